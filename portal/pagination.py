"""Page numbers from the query string, and how many pages a listing has."""
from flask import request

MAX_PAGE = 100_000


def requested_page() -> int:
    """The ?page= number; anything that is not a sensible page number means the first page."""
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and 0 < int(page) < MAX_PAGE else 1


def page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))
