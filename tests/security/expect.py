"""The vocabulary of the access test's expectations: who may get which answer (Allow),
what a route expects (Expect), and the bodies that name the other municipality's objects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .conftest import (
    COORDINATOR,
    HERO,
    PARENT,
    PROGRAMME,
    ROLES,
    STAFF,
)
from .probe import Ids

SIGNED_IN = (PARENT, STAFF, COORDINATOR, HERO, PROGRAMME)
EVERYONE = ROLES


@dataclass(frozen=True)
class Allow:
    """An answer other than a refusal that these outsiders may get for these methods."""

    roles: frozenset[str]
    methods: frozenset[str]
    statuses: frozenset[int]
    to: str = ""  # a redirect must go to an address starting with this
    effects: frozenset[str] = frozenset()  # tables it may change: the person's own rows

    def covers(self, role: str, method: str, status: int, location: str) -> bool:
        return (
            role in self.roles
            and method in self.methods
            and status in self.statuses
            and location.startswith(self.to)
        )


def ok(roles, methods=("GET",), status=(200,), effects=()) -> Allow:
    return Allow(frozenset(roles), frozenset(methods), frozenset(status), "", frozenset(effects))


def goes(roles, methods, to: str, effects=(), status=(302,)) -> Allow:
    return Allow(frozenset(roles), frozenset(methods), frozenset(status), to, frozenset(effects))


@dataclass(frozen=True)
class Expect:
    """What the outsiders may get from one route, and how to ask it about B.

    `fill` gives the route's arguments: "pk:<key>" for the id of B's object, "token:<key>" for
    its token, anything else as it is. `query` and `body` build the query and the sent data
    from B's ids (tests/security/probe.Ids). `shows` names objects of B the route may show to
    anyone it allows (say, the classes of any school on the child form)."""

    why: str
    allow: tuple[Allow, ...] = ()
    fill: dict[str, str] = field(default_factory=dict)
    query: Callable[[Ids], dict] | None = None
    body: Callable[[Ids], dict] | None = None
    shows: frozenset[str] = frozenset()
    path: str = ""  # the address, for a route whose pattern is not one (a catch-all)
    debug: bool = False  # asked with DEBUG on: a development page that is a 404 without it


def E(
    why: str, *allow: Allow, fill=None, query=None, body=None, shows=(), path="", debug=False
) -> Expect:
    return Expect(why, allow, fill or {}, query, body, frozenset(shows), path, debug)


def pk(key: str) -> dict[str, str]:
    return {"pk": f"pk:{key}"}


# --- bodies that name B's objects -------------------------------------------------------------

WINDOW = {"starts_at": "2026-11-10T10:00:00", "ends_at": "2026-11-10T12:00:00"}


def child_body(b: Ids) -> dict:
    """A child at B's school (any school may be chosen) in a class of B's other school."""
    return {
        "first_name": "Indringer",
        "school": b.pk("school"),
        "group": b.pk("vo_group"),
        "grade": 5,
        "neighbourhood": b.pk("neighbourhood"),
        "consent": True,
    }


def kit_body(b: Ids) -> dict:
    return {
        "municipality": b.pk("municipality"),
        "name": "Indringerkit",
        "headsets": 10,
        "home_venue": b.pk("venue"),
        "is_active": True,
    }


# --- the expectations -------------------------------------------------------------------------

SELF_SERVICE = "allauth's own pages about the person's own account"
