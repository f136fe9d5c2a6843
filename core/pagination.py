"""One page size and one way to page a list, for every list page (the API has DRF's)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 25


def paginate(
    request: HttpRequest, items, per_page: int = PAGE_SIZE, *, param: str = "page"
) -> Page:
    """The page `?page=` asks for (`param` names another, for a second list on the page); a
    page number out of range or not a number gives the nearest page, never an error."""
    page = Paginator(items, per_page).get_page(request.GET.get(param))
    page.param = param  # for templates/_pagination.html
    return page
