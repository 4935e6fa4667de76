"""Words for the codes adoption stores: channels of the inquiry log."""
from flask_babel import lazy_gettext as _l

CHANNEL_TITLES = {
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "in-person": _l("In person"),
    "online": _l("Online"),
    "mail": _l("Mail"),
    "social-media": _l("Social media"),
}


def channel_title(channel: str) -> str:
    return str(CHANNEL_TITLES.get(channel, channel))
