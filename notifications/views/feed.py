"""A person's calendar feed at a secret address, for calendar apps to subscribe to.

Calendar apps fetch without a login, so the token in the address is the only key: an unknown
or revoked token gets a bare 404 that says nothing about whether it ever existed.
"""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe

from .. import calendar


def _not_found() -> HttpResponse:
    response = HttpResponse(b"", status=404, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def feed(request, token: str):
    feed_token = calendar.feed_token_find(token)
    if feed_token is None:
        return _not_found()
    now = timezone.now()
    text = calendar.feed_render(feed_token.user, now)
    etag = calendar.feed_etag(text)
    changed_at = calendar.feed_token_observe(feed_token, etag, now)
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["ETag"] = quote_etag(etag)
    response["Last-Modified"] = http_date(changed_at.timestamp())
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    response["Content-Disposition"] = 'inline; filename="backontrack.ics"'
    return get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=int(changed_at.timestamp()),
        response=response,
    )
