"""Parts of report pages rendered once for what they show and kept in each process.

A part is kept under a key made of everything it shows (counts, names, ids, the sort order), never a time or a
version number, so a kept part cannot show a figure that has since changed: new figures make a new key. Each
template keeps its own parts, the least recently used going first, so parts that are seldom shown again (a quiz
in progress, a report's fields) never push out a report's tables. Nothing personal to the reader, such as a
form's token, goes in a part."""
from collections.abc import Callable

from flask import g, has_request_context, render_template
from markupsafe import Markup

from .formatting import reader_language
from .kept import KeptByKey

LIMIT_PER_TEMPLATE = 256
_stores: dict[str, KeptByKey] = {}


def render_part(template: str, key: tuple, **context) -> Markup:
    """The template rendered with `context`, or the copy kept for the same key and language."""
    return render_part_made(template, key, lambda: context)


def render_part_made(template: str, key: tuple, make_context: Callable[[], dict]) -> Markup:
    """As render_part, for a part whose context is worth making only when no copy is kept."""
    if has_request_context() and g.get("typed") is not None:
        # What a person typed into a form that was refused goes back into the page's form: never into a kept part.
        return Markup(render_template(template, **make_context()))
    store = _stores.get(template) or _stores.setdefault(template, KeptByKey(LIMIT_PER_TEMPLATE))
    return store.get((reader_language(), key), lambda: Markup(render_template(template, **make_context())))
