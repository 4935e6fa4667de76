"""Page numbers from the query string, and how many pages a listing has."""
import re

from flask import request

MAX_PAGE = 100_000
PAGE_NUMBER = re.compile(r"[0-9]{1,6}")


def requested_page() -> int:
    """The ?page= number; anything that is not a plain page number in range means the first page."""
    page = request.args.get("page", "1")
    if not PAGE_NUMBER.fullmatch(page):
        return 1
    return int(page) if 0 < int(page) < MAX_PAGE else 1


def page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))
