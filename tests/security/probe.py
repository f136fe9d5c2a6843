"""Sending one request as an outsider and judging the answer: refused (or allowed by the
expectations table), without effect on the database, and giving nothing of B away."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from .conftest import UNKNOWN_ID, UNKNOWN_TOKEN, World, b_rows, changed_tables

REFUSED_STATUSES = frozenset({403, 404, 405})
REDIRECTS = frozenset({301, 302, 303, 307, 308})


def refusal_pages() -> frozenset[str]:
    """Where a refusal may send someone: to log in (the site's, or the admin's, which sends on
    to the site's), to log in again before a change to the account, or to set up the second
    factor."""
    names = (settings.LOGIN_URL, "admin:login", "account_reauthenticate", "mfa_required")
    return frozenset(reverse(name) for name in names)


class Ids:
    """B's ids and tokens by key, for addresses and bodies; it remembers which keys a request
    named. With `unknown_for=role`, the objects that role may not see get ids and tokens no row
    has instead: the same request about nothing, to compare answers with."""

    def __init__(
        self, world: World, *, unknown_for: str | None = None, shown: frozenset[str] = frozenset()
    ):
        self.world = world
        self.unknown_for = unknown_for
        self.shown = shown
        self.used: set[str] = set()

    def _unknown(self, key: str) -> bool:
        if self.unknown_for is None or key in self.shown:
            return False
        return self.world.hidden_from(self.unknown_for, key, self.shown)

    def pk(self, key: str) -> int:
        self.used.add(key)
        return UNKNOWN_ID if self._unknown(key) else self.world.pk(key)

    def token(self, key: str) -> str:
        self.used.add(key)
        return UNKNOWN_TOKEN if self._unknown(key) else self.world.b[key].obj.token

    def values(self) -> list[str]:
        """The ids and tokens of B the request named, and the ones standing in for them."""
        found = [str(UNKNOWN_ID), UNKNOWN_TOKEN]
        for key in self.used:
            thing = self.world.b[key].obj
            found += [str(thing.pk), *([thing.token] if hasattr(thing, "token") else [])]
        return found


@dataclass
class Request:
    method: str
    path: str
    query: dict = field(default_factory=dict)
    body: dict | None = None
    as_json: bool = False

    def describe(self) -> str:
        query = f"?{urlencode(self.query, doseq=True)}" if self.query else ""
        body = f" {json.dumps(self.body)}" if self.body else ""
        return f"{self.method} {self.path}{query}{body}"

    def words(self) -> str:
        """Everything the request itself said (an answer may echo it back)."""
        return self.describe()


@dataclass
class Answer:
    status: int
    location: str = ""
    content_type: str = ""
    text: str = ""
    error: str = ""
    changed: set[str] = field(default_factory=set)
    b_rows: str = ""  # a digest of B's rows, when a table changed

    def describe(self) -> str:
        if self.error:
            return f"raised {self.error}"
        if self.status in REDIRECTS:
            return f"{self.status} to {self.location}"
        return str(self.status)

    @property
    def json(self):
        if "json" not in self.content_type:
            return None
        try:
            return json.loads(self.text)
        except ValueError:
            return None


class _Undo(Exception):
    """Raised to roll back the savepoint around one request."""


def send(client, request: Request, baseline: dict[str, str], world: World) -> Answer:
    """Send the request in a savepoint, note the tables it changed, and roll it all back (so
    the next request finds the same database). The client's cookies are restored too: a
    logout must not log out the next request."""
    cookies = copy.deepcopy(client.cookies)
    answer = Answer(status=0)
    try:
        with transaction.atomic():
            try:
                response = _call(client, request)
            except Exception as exc:  # noqa: BLE001 - a view that raises is what we look for
                answer.error = f"{type(exc).__name__}: {exc}"
            else:
                answer.status = response.status_code
                answer.location = response.get("Location", "")
                answer.content_type = response.get("Content-Type", "")
                answer.text = _text(response)
            answer.changed = changed_tables(baseline)
            if answer.changed:
                answer.b_rows = b_rows(world)
            raise _Undo
    except _Undo:
        pass
    finally:
        client.cookies = cookies
    return answer


def _call(client, request: Request):
    if request.as_json:
        headers = {"HTTP_ACCEPT": "application/json"}
        if request.method in ("GET", "OPTIONS") or request.body is None:
            return client.generic(request.method, _with_query(request), **headers)
        return client.generic(
            request.method,
            _with_query(request),
            json.dumps(request.body),
            content_type="application/json",
            **headers,
        )
    if request.method == "GET":
        return client.get(request.path, request.query)
    if request.method == "POST":
        return client.post(_with_query(request), request.body or {})
    return client.generic(
        request.method,
        _with_query(request),
        urlencode(request.body or {}, doseq=True),
        content_type="application/x-www-form-urlencoded",
    )


def _with_query(request: Request) -> str:
    if not request.query:
        return request.path
    return f"{request.path}?{urlencode(request.query, doseq=True)}"


def _text(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def is_refusal(answer: Answer) -> bool:
    if answer.error:
        return False
    if answer.status in REFUSED_STATUSES:
        return True
    return answer.status in REDIRECTS and urlsplit(answer.location).path in refusal_pages()


def leaks(
    answer: Answer, request: Request, world: World, role: str, shown: frozenset[str], endpoint
) -> list[str]:
    """What the answer gives away of B: the words of objects this role may not see (unless
    the request said them itself), and, in an API list or detail, ids of such objects."""
    said = request.words()
    found = [
        f"{key} ({marker!r})"
        for key, marker in world.markers_hidden_from(role, shown)
        if marker in answer.text and marker not in said
    ]
    data = answer.json
    view = endpoint.viewset
    queryset = getattr(view, "queryset", None)
    if data is not None and queryset is not None and 200 <= answer.status < 300:
        rows = data.get("results", [data]) if isinstance(data, dict) else data
        hidden = world.ids_hidden_from(role, queryset.model, shown)
        ids = {row.get("id") for row in rows if isinstance(row, dict)}
        found += [f"{queryset.model.__name__} id {pk}" for pk in sorted(ids & hidden)]
    return found


def same_answer(real: Answer, unknown: Answer, ids: Ids) -> bool:
    """Whether asking about B's object and about nothing gave the same answer: status, where
    a redirect goes and the body (with the ids and tokens asked about blanked out in both)."""
    if (real.status, bool(real.error)) != (unknown.status, bool(unknown.error)):
        return False
    values = ids.values()
    if _blank(unquote(real.location), values) != _blank(unquote(unknown.location), values):
        return False
    return _blank(_steady(real.text), values) == _blank(_steady(unknown.text), values)


# What differs between two renderings of the same page: the (masked, 64 letters and digits)
# CSRF token, CSP nonces and the random key of a create form (core.forms.OnceForm).
_CSRF = re.compile(r"\b[A-Za-z0-9]{64}\b")
_NONCE = re.compile(r'nonce="[^"]*"')
_ONCE_KEY = re.compile(r'(name="[\w-]*submission_key") value="[^"]*"')


def _steady(text: str) -> str:
    text = _ONCE_KEY.sub(r'\1 value=""', text)
    return _NONCE.sub('nonce=""', _CSRF.sub("<csrf>", text))


def _blank(text: str, values: list[str]) -> str:
    """`text` with each value (an id, or a URL-safe token, which may start or end with "-")
    replaced where no letter, digit or "_" is beside it. (A word boundary would need one
    beside a token's leading "-": "/export/-EF_.../" kept its token, about one run in 64.)"""
    for value in sorted(values, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", "<id>", text)
    return text
