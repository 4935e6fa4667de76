"""Translations in templates, looked up once per page rather than once per message.

Flask-Babel's template functions find the current translations again for every message; a page has dozens.
The context processor puts the page's translations in the template context, and these functions use them.
Macros imported without context fall back to Flask-Babel."""
from flask_babel import get_translations
from jinja2 import pass_context

CATALOGUE = "_catalogue"


def _catalogue(context):
    return context.get(CATALOGUE) or get_translations()


@pass_context
def gettext(context, message: str) -> str:
    return _catalogue(context).ugettext(message)


@pass_context
def ngettext(context, singular: str, plural: str, count: int) -> str:
    return _catalogue(context).ungettext(singular, plural, count)


@pass_context
def pgettext(context, message_context: str, message: str) -> str:
    return _catalogue(context).upgettext(message_context, message)


@pass_context
def npgettext(context, message_context: str, singular: str, plural: str, count: int) -> str:
    return _catalogue(context).unpgettext(message_context, singular, plural, count)


def install(app) -> None:
    app.jinja_env.install_gettext_callables(gettext=gettext, ngettext=ngettext, pgettext=pgettext,
                                            npgettext=npgettext, newstyle=True)

    @app.context_processor
    def page_catalogue():
        return {CATALOGUE: get_translations()}
