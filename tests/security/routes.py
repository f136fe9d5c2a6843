"""Every address the site answers, read from the URL configuration, with the HTTP methods each
accepts: what tests/security/test_access.py requests."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
HANDLERS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Endpoint:
    key: str  # the URL name ("schools:school_detail"), or the route when it has none
    route: str  # the route as written, for messages
    pieces: tuple  # the route's patterns, outermost first
    methods: tuple[str, ...]
    kwargs: tuple[str, ...]
    callback: object

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/v1/")

    @property
    def viewset(self):
        """The DRF view class, when the endpoint is one."""
        return getattr(self.callback, "cls", None)

    def path(self, values: dict[str, str]) -> str:
        """The address with `values` for the route's arguments."""
        return "/" + "".join(_fill(piece, values) for piece in self.pieces)


def methods_of(callback) -> tuple[str, ...]:
    """The methods a view answers: a DRF viewset's mapped actions (and OPTIONS, which every
    DRF view answers), the handlers of a class-based view, GET and POST for a function (whose
    own decorators refuse the others with a 405). HEAD is left out: it is GET without a body."""
    actions = getattr(callback, "actions", None)
    if actions:
        # DRF adds `head` to a viewset's actions on its first GET: HEAD is GET without a body.
        mapped = sorted(method.upper() for method in actions if method != "head")
        return (*mapped, "OPTIONS")
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        methods = tuple(
            method.upper()
            for method in HANDLERS
            if method in view_class.http_method_names and hasattr(view_class, method)
        )
        if getattr(callback, "cls", None) is not None:
            methods = (*methods, "OPTIONS")
        return methods
    return ("GET", "POST")


def endpoints() -> list[Endpoint]:
    found: list[Endpoint] = []

    def walk(resolver: URLResolver, pieces: tuple, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry, (*pieces, entry.pattern), inner)
                continue
            assert isinstance(entry, URLPattern)
            route_pieces = (*pieces, entry.pattern)
            route = "".join(str(piece) for piece in route_pieces)
            name = entry.name or ""
            key = (f"{namespace}:{name}" if namespace else name) if name else route
            kwargs = tuple(
                name for piece in route_pieces for name in piece.regex.groupindex if name
            )
            found.append(
                Endpoint(
                    key=key,
                    route=route,
                    pieces=route_pieces,
                    methods=methods_of(entry.callback),
                    kwargs=kwargs,
                    callback=entry.callback,
                )
            )

    walk(get_resolver(), (), "")
    return found


_ROUTE_ARG = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_ARG = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)")


def _fill(piece, values: dict[str, str]) -> str:
    if isinstance(piece, RoutePattern):
        return _ROUTE_ARG.sub(lambda m: str(values[m["name"]]), str(piece._route))
    assert isinstance(piece, RegexPattern), piece
    text = _REGEX_ARG.sub(lambda m: str(values[m["name"]]), piece._regex)
    text = text.removeprefix("^").removesuffix("$")
    return text.replace("\\.", ".")
