"""Page numbers from the query string, and how many pages a listing has."""
from flask import request

from .numbers import number_or_none

MAX_PAGE = 100_000


def requested_page() -> int:
    """The ?page= number; anything that is not a plain page number in range means the first page."""
    return number_or_none(request.args.get("page"), 1, MAX_PAGE - 1) or 1


def page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))
