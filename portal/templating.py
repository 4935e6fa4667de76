"""Translations in templates, looked up once per page rather than once per message, in Jinja's "new style".

Flask-Babel's template functions find the current translations again for every message; a page has dozens.
The context processor puts the page's translations in the template context, and these functions use them.
Macros imported without context fall back to Flask-Babel.

They behave as Jinja's own new-style wrappers (the message is escaped markup, `%(name)s` takes the keyword
arguments, `%%` is a percent sign) but skip the formatting when a message has no `%` to format: a page has dozens
of plain messages and formatting each was a tenth of the page's time."""
from flask_babel import get_translations
from jinja2 import pass_context
from markupsafe import Markup

CATALOGUE = "_catalogue"


def _catalogue(context):
    return context.get(CATALOGUE) or get_translations()


def _formatted(context, message: str, variables: dict) -> str:
    if context.eval_ctx.autoescape:
        message = Markup(message)
    return message % variables if variables or "%" in message else message


@pass_context
def gettext(context, message: str, /, **variables) -> str:
    return _formatted(context, _catalogue(context).ugettext(message), variables)


@pass_context
def ngettext(context, singular: str, plural: str, count: int, /, **variables) -> str:
    variables.setdefault("num", count)
    return _formatted(context, _catalogue(context).ungettext(singular, plural, count), variables)


@pass_context
def pgettext(context, message_context: str, message: str, /, **variables) -> str:
    variables.setdefault("context", message_context)
    return _formatted(context, _catalogue(context).upgettext(message_context, message), variables)


@pass_context
def npgettext(context, message_context: str, singular: str, plural: str, count: int, /,
              **variables) -> str:
    variables.setdefault("context", message_context)
    variables.setdefault("num", count)
    return _formatted(context, _catalogue(context).unpgettext(message_context, singular, plural, count), variables)


def install(app) -> None:
    app.jinja_env.newstyle_gettext = True
    app.jinja_env.globals.update(gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext)

    @app.context_processor
    def page_catalogue():
        return {CATALOGUE: get_translations()}
