"""Access, proven for every address the site answers.

The addresses come from the URL configuration (tests/security/routes.py), not from a list
kept by hand: every route, with every method it accepts, is requested as each outsider of
tests/security/conftest.py (anonymous, a parent of another family, staff of another school,
the coordinator of the other municipality, a Local Hero assigned to nothing), about the
objects of the second municipality B. Each request must be refused without effect:

- a 403, 404 or 405; a redirect to the login page (the site's or the admin's, or to log in
  again before a change to the account) or to the two-step setup page; or, when the request
  names an object of B, a 400 naming the field - unless EXPECTATIONS below says what else
  this outsider may legitimately get;
- no row of any table added, changed or removed (but the tables EXPECTATIONS allows, which
  hold the person's own rows, such as their own calendar address);
- nothing of B in the answer that the outsider may not see (B's objects carry marker words;
  API lists and details must not hold their ids);
- the same answer as for an object that does not exist (no "not yours" vs "no such thing").

A route without an entry in EXPECTATIONS fails test_every_route_has_an_expectation: a new
address is not reachable until someone has written down who may get what from it. The test
for each outsider collects every problem and fails once, listing them all. docs/security.md
has the whole story.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.test import Client, override_settings
from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter

from .conftest import (
    ANONYMOUS,
    COORDINATOR,
    DIRECTORY,
    HERO,
    PARENT,
    ROLES,
    STAFF,
    UNKNOWN_TOKEN,
    b_rows,
    table_digests,
)
from .probe import Ids, Request, is_refusal, leaks, same_answer, send
from .routes import BODY_METHODS, endpoints

SIGNED_IN = (PARENT, STAFF, COORDINATOR, HERO)
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

EXPECTATIONS: dict[str, Expect] = {
    # --- the site's own pages for everyone -------------------------------------------------
    "home": E(
        "the person's own start page (their own roles and figures)",
        ok(SIGNED_IN, ("GET", "POST")),
    ),
    "healthz": E("the load balancer's health check: no data", ok(EVERYONE, ("GET", "POST"))),
    "privacy": E("the privacy statement, for everyone", ok(EVERYONE, ("GET", "POST"))),
    "set_language": E(
        "the language switch: a cookie and back to `next`",
        goes(EVERYONE, ("GET", "POST"), "/"),
        body=lambda b: {"language": "nl", "next": "/"},
    ),
    # --- the person's own account -----------------------------------------------------------
    "mfa_required": E("explains the two-step requirement", ok(SIGNED_IN, ("GET", "POST"))),
    "account_settings": E(
        "the person's own settings (an empty form re-shows the page)",
        ok(SIGNED_IN, ("GET", "POST")),
    ),
    "invitation_list": E(
        "coordinators' invitations: only their own municipality's (a school of B is not a "
        "choice: the form says so)",
        ok((COORDINATOR,), ("GET", "POST")),
        body=lambda b: {
            "kind": "staff",
            "staff-school": b.pk("vo_school"),
            "staff-email": "indringer@example.test",
            "staff-staff_role": "teacher",
        },
    ),
    "invitation_resend": E("B's invitation", fill=pk("invitation")),
    "invitation_revoke": E("B's invitation", fill=pk("invitation")),
    "invitation_accept": E(
        "the link in an invitation mail: the token is the key, so an outsider without it "
        "finds nothing",
        fill={"token": UNKNOWN_TOKEN},
    ),
    "data_export_request": E(
        "asks for the person's own data export",
        goes(SIGNED_IN, ("POST",), "/accounts/settings/", effects=("accounts_dataexport",)),
    ),
    "data_export": E(
        "B's guardian's export: for its owner only", fill={"token": "token:data_export"}
    ),
    "data_export_json": E(
        "B's guardian's export: for its owner only", fill={"token": "token:data_export"}
    ),
    "account_delete": E(
        "deleting one's own account asks for the password again first",
        goes(SIGNED_IN, ("GET", "POST"), "/accounts/reauthenticate/"),
    ),
    "hero_leave": E(
        "a Local Hero stopping: asks for the password again first (and is for heroes only)"
    ),
    "audit_trail": E(
        "the audit trail of the coordinator's own municipalities",
        ok((COORDINATOR,), ("GET", "POST")),
    ),
    "retention_overview": E(
        "what the retention run removes: the coordinator's own municipality only",
        ok((COORDINATOR,), ("GET", "POST")),
    ),
    "undelivered_list": E(
        "dead letters of the coordinator's own municipality", ok((COORDINATOR,), ("GET", "POST"))
    ),
    "undelivered_resend": E("B's failed message", fill=pk("notification")),
    # --- allauth: logging in, signing up, the person's own email, password and second factor
    "account_login": E(
        "the login page; someone signed in goes home",
        ok((ANONYMOUS,), ("GET", "POST", "PUT")),
        goes(SIGNED_IN, ("GET", "POST", "PUT"), "/"),
    ),
    "account_logout": E(
        "logging out (of one's own session only)",
        ok(SIGNED_IN, ("GET",)),
        goes(EVERYONE, ("GET", "POST"), "/"),
    ),
    "account_inactive": E(SELF_SERVICE, ok(EVERYONE)),
    "account_signup": E(
        "signing up; someone signed in goes home",
        ok((ANONYMOUS,), ("GET", "POST", "PUT")),
        goes(SIGNED_IN, ("GET", "POST", "PUT"), "/"),
    ),
    "account_reauthenticate": E(SELF_SERVICE, ok(SIGNED_IN, ("GET", "POST", "PUT"))),
    "account_request_reauthentication_code": E(SELF_SERVICE, ok(SIGNED_IN, ("GET", "POST", "PUT"))),
    "account_confirm_reauthentication_code": E(
        "entering a code without having asked for one: back to asking",
        goes(SIGNED_IN, ("GET", "POST", "PUT"), "/accounts/reauthenticate/code/"),
    ),
    "account_email": E(
        SELF_SERVICE,
        ok(SIGNED_IN, ("GET",)),
        goes(SIGNED_IN, ("POST", "PUT"), "/accounts/email/"),
    ),
    "account_email_verification_sent": E(SELF_SERVICE, ok(EVERYONE, ("GET", "POST"))),
    "account_change_password": E(SELF_SERVICE, ok(SIGNED_IN, ("GET", "POST", "PUT"))),
    "account_set_password": E(
        "someone with a password changes it instead",
        goes(SIGNED_IN, ("GET", "POST", "PUT"), "/accounts/password/change/"),
    ),
    "account_reset_password": E(SELF_SERVICE, ok(EVERYONE, ("GET", "POST", "PUT"))),
    "account_confirm_login_code": E(
        "entering a login code without having asked for one: back to asking; someone signed "
        "in goes home",
        goes((ANONYMOUS,), ("GET", "POST", "PUT"), "/accounts/login/code/"),
        goes(SIGNED_IN, ("GET", "POST", "PUT"), "/"),
    ),
    "account_confirm_email": E(
        "a confirmation link with a key that is no key: says the link is not valid",
        ok(EVERYONE, ("GET", "POST")),
        fill={"key": "no-such-key"},
    ),
    "account_reset_password_from_key_done": E(SELF_SERVICE, ok(EVERYONE)),
    "account_reset_password_from_key": E(
        "a password reset link with a key that is no key: says the link is not valid",
        ok(EVERYONE, ("GET", "POST", "PUT")),
        fill={"uidb36": "2s", "key": "no-such-key"},
    ),
    "account_reset_password_done": E(SELF_SERVICE, ok(EVERYONE)),
    "account_request_login_code": E(
        "asking for a login code; someone signed in goes home",
        ok((ANONYMOUS,), ("GET", "POST", "PUT")),
        goes(SIGNED_IN, ("GET", "POST", "PUT"), "/"),
    ),
    "mfa_index": E(SELF_SERVICE, ok(SIGNED_IN)),
    "mfa_authenticate": E(
        "the second step of a login; someone signed in goes home",
        goes(SIGNED_IN, ("GET", "POST"), "/"),
    ),
    "mfa_reauthenticate": E(
        "confirming access with the person's own second factor (or their password)",
        ok((STAFF, COORDINATOR), ("GET", "POST", "PUT")),
    ),
    "mfa_activate_totp": E(SELF_SERVICE),
    "mfa_deactivate_totp": E(SELF_SERVICE),
    "mfa_view_recovery_codes": E(SELF_SERVICE),
    "mfa_generate_recovery_codes": E(SELF_SERVICE),
    "mfa_download_recovery_codes": E(SELF_SERVICE),
    "mfa_list_webauthn": E("the person's own security keys", ok(SIGNED_IN)),
    "mfa_add_webauthn": E(SELF_SERVICE),
    "mfa_reauthenticate_webauthn": E(SELF_SERVICE),
    "mfa_remove_webauthn": E("a security key of B's staff", fill=pk("webauthn")),
    "mfa_edit_webauthn": E("a security key of B's staff", fill=pk("webauthn")),
    "mfa_login_webauthn": E(
        "logging in with a security key; someone signed in goes home",
        goes(SIGNED_IN, ("GET", "POST", "PUT"), "/"),
    ),
    # --- schools ----------------------------------------------------------------------------
    "schools:school_list": E(
        "the schools the person manages; B's neighbourhood is not a choice",
        ok((STAFF, COORDINATOR), ("GET", "POST")),
        query=lambda b: {"neighbourhood": b.pk("neighbourhood_dir")},
    ),
    "schools:school_create": E(
        "adding a school to one's own municipality (B's neighbourhood is not a choice)",
        ok((COORDINATOR,), ("GET", "POST")),
        body=lambda b: {
            "name": "Indringerschool",
            "brin": "99ZZ",
            "level": "po",
            "street": "Straat 1",
            "postcode": "1234 AB",
            "city": "Ergens",
            "neighbourhood": b.pk("neighbourhood_dir"),
        },
    ),
    "schools:school_detail": E("B's school", fill=pk("vo_school")),
    "schools:school_update": E("B's school", fill=pk("vo_school")),
    "schools:school_delete": E("B's school", fill=pk("vo_school")),
    "schools:group_create": E("a group for B's school", fill={"school_pk": "pk:vo_school"}),
    "schools:group_update": E("B's group", fill=pk("vo_group")),
    "schools:group_delete": E("B's group", fill=pk("vo_group")),
    "schools:neighbourhood_list": E(
        "neighbourhoods of one's own municipality", ok((COORDINATOR,), ("GET", "POST"))
    ),
    "schools:neighbourhood_create": E(
        "a neighbourhood in one's own municipality (B is not a choice)",
        ok((COORDINATOR,), ("GET", "POST")),
        body=lambda b: {"municipality": b.pk("municipality"), "name": "Indringerwijk"},
    ),
    "schools:neighbourhood_update": E("B's neighbourhood", fill=pk("neighbourhood_dir")),
    "schools:neighbourhood_delete": E("B's neighbourhood", fill=pk("neighbourhood_dir")),
    "schools:venue_list": E(
        "venues of one's own municipality", ok((COORDINATOR,), ("GET", "POST"))
    ),
    "schools:venue_create": E(
        "a venue in one's own municipality (B's neighbourhood is not a choice)",
        ok((COORDINATOR,), ("GET", "POST")),
        body=lambda b: {
            "name": "Indringerzaal",
            "street": "Straat 1",
            "postcode": "1234 AB",
            "city": "Ergens",
            "neighbourhood": b.pk("neighbourhood_dir"),
        },
    ),
    "schools:venue_update": E("B's venue", fill=pk("venue")),
    "schools:venue_delete": E("B's venue", fill=pk("venue")),
    "schools:closure_list": E(
        "closures of one's own schools and municipality", ok((STAFF, COORDINATOR), ("GET", "POST"))
    ),
    "schools:closure_create": E(
        "a closure for one's own school or municipality (B's school is not a choice; linked "
        "from B's school the form starts empty)",
        ok((STAFF, COORDINATOR), ("GET", "POST")),
        query=lambda b: {"school": b.pk("vo_school")},
        body=lambda b: {
            "school": b.pk("vo_school"),
            "municipality": b.pk("municipality"),
            "name": "Indringersluiting",
            "kind": "holiday",
            "start_date": "2026-12-01",
            "end_date": "2026-12-02",
        },
    ),
    "schools:closure_update": E("B's closure", fill=pk("closure")),
    "schools:closure_delete": E("B's closure", fill=pk("closure")),
    # --- activities: families -----------------------------------------------------------------
    "activities:browse": E(
        "published activities, for parents (B's published activity among them)",
        ok((PARENT,), ("GET", "POST")),
        query=lambda b: {"school": b.pk("school"), "child": b.pk("child")},
    ),
    "activities:browse_detail": E(
        "a published activity, for parents; enrolling someone else's child is a 404",
        ok((PARENT,)),
        fill=pk("activity"),
        body=lambda b: {"children": [b.pk("child")]},
    ),
    "activities:enrol_result": E(
        "what happened to the person's own enrolments (B's is none of them)",
        query=lambda b: {"e": b.pk("enrolment")},
    ),
    "activities:children": E("the person's own children", ok(SIGNED_IN, ("GET", "POST"))),
    "activities:child_add": E(
        "registering one's own child at any school (children cross municipal borders): the "
        "form lists every school, and the classes of the school chosen; a class of another "
        "school is not a choice",
        ok(SIGNED_IN, ("GET", "POST")),
        body=lambda b: {**child_body(b), "consent": "on"},
        shows=("group", DIRECTORY),
    ),
    "activities:child_groups": E(
        "the classes of a school for the child form: of any school, as any school may be chosen",
        ok(SIGNED_IN),
        query=lambda b: {"school": b.pk("school")},
        shows=("group",),
    ),
    "activities:child_edit": E("B's child", fill=pk("child")),
    "activities:child_forget": E("B's child", fill=pk("child")),
    "activities:my_enrolments": E("the person's own enrolments", ok((PARENT,), ("GET", "POST"))),
    "activities:my_enrolment_cancel": E("B's enrolment", fill=pk("enrolment")),
    "activities:my_offer_accept": E("B's offered place", fill=pk("offered_enrolment")),
    "activities:my_offer_decline": E("B's offered place", fill=pk("offered_enrolment")),
    # --- activities: staff ---------------------------------------------------------------------
    "activities:staff_list": E(
        "activities of one's own schools (B's school is not a filter choice)",
        ok((STAFF, COORDINATOR), ("GET", "POST")),
        query=lambda b: {"school": b.pk("school")},
    ),
    "activities:staff_create": E(
        "an activity at one's own school (B's school and venue are not choices)",
        ok((STAFF, COORDINATOR), ("GET", "POST")),
        body=lambda b: {"school": b.pk("school"), "venue": b.pk("venue"), "title": "Indringer"},
    ),
    "activities:staff_detail": E("B's activity", fill=pk("activity")),
    "activities:staff_update": E("B's draft", fill=pk("draft_activity")),
    "activities:staff_publish": E("B's draft", fill=pk("draft_activity")),
    "activities:staff_cancel": E("B's activity", fill=pk("activity")),
    "activities:staff_draw": E("B's activity", fill=pk("activity")),
    "activities:staff_place": E(
        "B's activity", fill=pk("activity"), body=lambda b: {"enrolment": b.pk("enrolment")}
    ),
    "activities:staff_enrolment_cancel": E(
        "B's enrolment", fill={"activity_pk": "pk:activity", "pk": "pk:enrolment"}
    ),
    "activities:staff_report": E("B's attendance", fill=pk("activity")),
    "activities:staff_report_csv": E("B's attendance", fill=pk("activity")),
    "activities:staff_register": E(
        "B's register",
        fill=pk("occurrence"),
        body=lambda b: {f"mark-{b.pk('enrolment')}": "absent"},
    ),
    "activities:staff_occurrence_cancel": E(
        "B's session", fill=pk("occurrence"), body=lambda b: {"reason": "Indringer"}
    ),
    "activities:staff_child_report": E("B's child", fill=pk("child")),
    # --- heroes -------------------------------------------------------------------------------
    "heroes:my_profile": E("the hero's own profile", ok((HERO,), ("GET", "POST"))),
    "heroes:my_profile_edit": E(
        "the hero's own profile (B's topic and neighbourhoods are not choices)",
        ok((HERO,), ("GET", "POST")),
        body=lambda b: {
            "topics": [b.pk("topic")],
            "home_neighbourhood": b.pk("neighbourhood_dir"),
            "visit_neighbourhoods": [b.pk("neighbourhood_dir")],
            "max_visits_per_month": 4,
        },
    ),
    "heroes:my_availability": E("the hero's own availability", ok((HERO,), ("GET", "POST"))),
    "heroes:window_remove": E("B's hero's window", fill=pk("window_1")),
    "heroes:away_remove": E("B's hero's away period", fill=pk("away_period")),
    "heroes:hero_list": E("heroes of one's own municipality", ok((COORDINATOR,), ("GET", "POST"))),
    "heroes:hero_detail": E(
        "B's hero",
        fill=pk("hero"),
        body=lambda b: {"form": "vog", "vog-issued_on": "2026-10-01"},
    ),
    "heroes:topic_list": E(
        "topics of one's own municipality (B is not a choice)",
        ok((COORDINATOR,), ("GET", "POST")),
        body=lambda b: {"municipality": b.pk("municipality"), "name": "Indringer"},
    ),
    "heroes:topic_edit": E("B's topic", fill=pk("topic"), body=lambda b: {"name": "Indringer"}),
    # --- session requests, offers, visits, the board and kits ----------------------------------
    "scheduler:request-list": E(
        "requests of one's own schools", ok((STAFF, COORDINATOR), ("GET", "POST"))
    ),
    "scheduler:request-create": E(
        "a request for a group of one's own school (B's group and topic are not choices)",
        ok((STAFF,), ("GET", "POST")),
        body=lambda b: {
            "group": b.pk("vo_group"),
            "kind": "hero",
            "topic": b.pk("topic"),
            "language": "nl",
            "duration_min": 60,
            "form-TOTAL_FORMS": 1,
            "form-INITIAL_FORMS": 0,
            "form-0-day": "2026-11-10",
            "form-0-starts": "10:00",
            "form-0-ends": "12:00",
        },
    ),
    "scheduler:request-detail": E("B's request", fill=pk("request")),
    "scheduler:request-cancel": E("B's request", fill=pk("request")),
    "scheduler:request-reschedule": E("B's request", fill=pk("request")),
    "scheduler:hero-offers": E("the hero's own offers", ok((HERO,), ("GET", "POST"))),
    "scheduler:offer-detail": E("B's hero's offer", fill=pk("offer")),
    "scheduler:offer-accept": E("B's hero's offer", fill=pk("offer")),
    "scheduler:offer-decline": E("B's hero's offer", fill=pk("offer")),
    "scheduler:visit-withdraw": E(
        "B's hero's visit", fill=pk("visit"), body=lambda b: {"reason": "Indringer"}
    ),
    "scheduler:board": E(
        "the board of one's own municipality; B's is a 404",
        ok((COORDINATOR,), ("POST",)),
        query=lambda b: {"municipality": b.pk("municipality")},
    ),
    "scheduler:run-start": E("a run for B", body=lambda b: {"municipality": b.pk("municipality")}),
    "scheduler:run-detail": E("B's run", fill=pk("run")),
    "scheduler:assign": E("B's request", fill=pk("request")),
    "scheduler:kit-list": E("kits of one's own municipality", ok((COORDINATOR,), ("GET", "POST"))),
    "scheduler:kit-create": E(
        "a kit for one's own municipality (B and its venue are not choices)",
        ok((COORDINATOR,), ("GET", "POST")),
        body=kit_body,
    ),
    "scheduler:kit-detail": E("B's kit", fill=pk("kit")),
    "scheduler:kit-edit": E("B's kit", fill=pk("kit"), body=kit_body),
    "scheduler:block-delete": E("B's kit's block", fill=pk("block")),
    # --- the outbox (a development aid: off without DEBUG) and calendar feeds -----------------
    "notifications:outbox": E(
        "the development outbox (a 404 without DEBUG), asked with DEBUG on: a coordinator reads "
        "the mail about their own municipalities",
        ok((COORDINATOR,), ("GET", "POST")),
        debug=True,
    ),
    "notifications:outbox_detail": E("B's message", fill=pk("notification"), debug=True),
    "notifications:outbox_html": E(
        "B's message, as the mail shows it", fill=pk("notification"), debug=True
    ),
    "notifications:outbox_resend": E("B's message", fill=pk("notification"), debug=True),
    "feeds:feed": E(
        "a calendar feed at a revoked address answers as an unknown one",
        fill={"token": "token:revoked_feed_token"},
    ),
    # --- the API ------------------------------------------------------------------------------
    "calendar-feed": E(
        "the person's own calendar address: read it, make a new one, stop it",
        ok(SIGNED_IN, ("GET",)),
        ok(SIGNED_IN, ("POST",), status=(201,), effects=("notifications_feedtoken",)),
        ok(SIGNED_IN, ("DELETE",), status=(204,), effects=("notifications_feedtoken",)),
    ),
    "municipality-list": E("municipalities one may see", ok(SIGNED_IN)),
    "municipality-detail": E("B: directory, public to parents", ok((PARENT,))),
    "neighbourhood-list": E("neighbourhoods one may see", ok(SIGNED_IN)),
    "neighbourhood-detail": E("B's neighbourhood: directory, public to parents", ok((PARENT,))),
    "school-list": E("schools one may see", ok(SIGNED_IN)),
    "school-detail": E("B's school: directory, public to parents", ok((PARENT,))),
    "venue-list": E("venues one may see", ok(SIGNED_IN)),
    "venue-detail": E("B's venue: directory, public to parents", ok((PARENT,))),
    "group-list": E("groups of one's own schools", ok(SIGNED_IN)),
    "group-detail": E("B's group"),
    "activity-list": E("published activities and one's own drafts", ok(SIGNED_IN)),
    "activity-detail": E("B's draft"),
    "activity-register": E(
        "B's register",
        fill=pk("activity"),
        query=lambda b: {"occurrence": b.pk("occurrence")},
        body=lambda b: {
            "occurrence": b.pk("occurrence"),
            "marks": {str(b.pk("enrolment")): "absent"},
        },
    ),
    "child-list": E(
        "one's own children; a class of another school than the one chosen is refused as "
        "one that does not exist",
        ok(SIGNED_IN),
        body=child_body,
    ),
    "child-detail": E("B's child", body=child_body),
    "enrolment-list": E(
        "one's own enrolments; enrolling B's child is a 404",
        ok(SIGNED_IN),
        body=lambda b: {"activity": b.pk("activity"), "child": b.pk("child")},
    ),
    "enrolment-detail": E("B's enrolment"),
    "enrolment-accept": E("B's offered place", fill=pk("offered_enrolment")),
    "enrolment-cancel": E("B's enrolment"),
    "enrolment-decline": E("B's offered place", fill=pk("offered_enrolment")),
    "my-window-list": E(
        "the hero's own windows",
        ok((HERO,)),
        ok((HERO,), ("POST",), status=(201,), effects=("heroes_availabilitywindow",)),
        body=lambda b: {"weekday": 2, "start_time": "09:00", "end_time": "10:00"},
    ),
    "my-window-detail": E("B's hero's window"),
    "my-away-period-list": E(
        "the hero's own away periods",
        ok((HERO,)),
        ok((HERO,), ("POST",), status=(201,), effects=("heroes_availabilityexception",)),
        body=lambda b: {"starts_on": "2026-12-01", "ends_on": "2026-12-02", "note": ""},
    ),
    "my-away-period-detail": E("B's hero's away period"),
    "hero-list": E("heroes of one's own municipality", ok(SIGNED_IN)),
    "hero-me": E(
        "the hero's own profile (B's topic and neighbourhood are not choices)",
        ok((HERO,)),
        body=lambda b: {
            "topics": [b.pk("topic")],
            "home_neighbourhood": b.pk("neighbourhood_dir"),
            "visit_neighbourhoods": [b.pk("neighbourhood_dir")],
        },
    ),
    "hero-detail": E("B's hero"),
    "topic-list": E("topics of one's own municipality", ok(SIGNED_IN)),
    "topic-detail": E("B's topic"),
    "session-request-list": E(
        "requests of one's own schools (B's group and topic are not choices)",
        ok(SIGNED_IN),
        body=lambda b: {
            "group": b.pk("vo_group"),
            "kind": "hero",
            "topic": b.pk("topic"),
            "windows": [WINDOW],
        },
    ),
    "session-request-detail": E("B's request"),
    "session-request-cancel": E("B's request", body=lambda b: {"reason": "Indringer"}),
    "session-request-reschedule": E("B's request", body=lambda b: {"windows": [WINDOW]}),
    "offer-list": E("the hero's own offers", ok((HERO,))),
    "offer-detail": E("B's hero's offer"),
    "offer-accept": E("B's hero's offer"),
    "offer-decline": E("B's hero's offer", body=lambda b: {"reason": "Indringer"}),
    "visit-list": E("one's own visits", ok((STAFF, COORDINATOR, HERO))),
    "visit-detail": E("B's visit"),
    "visit-withdraw": E("B's visit", body=lambda b: {"reason": "Indringer"}),
    "kit-list": E(
        "kits of one's own municipality; a kit for B is refused",
        ok(SIGNED_IN),
        body=kit_body,
    ),
    "kit-detail": E("B's kit", body=kit_body),
    "kit-blocks": E(
        "B's kit's blocks",
        fill=pk("kit"),
        body=lambda b: {
            "starts_at": "2026-11-20T08:00:00",
            "ends_at": "2026-11-20T17:00:00",
            "reason": "Indringer",
        },
    ),
    "kit-block-list": E("blocks of one's own kits", ok((COORDINATOR,))),
    "kit-block-detail": E("B's kit's block"),
    "matching-run-list": E(
        "runs of one's own municipality; a run for B is refused",
        ok((COORDINATOR,)),
        body=lambda b: {"municipality": b.pk("municipality")},
    ),
    "matching-run-detail": E("B's run"),
    "assignment-list": E(
        "offers one assigned by hand; assigning B's request is refused",
        ok((COORDINATOR,)),
        body=lambda b: {
            "request": b.pk("request"),
            "hero": b.pk("hero"),
            "kit": b.pk("kit"),
            "starts_at": "2026-11-10T10:00:00",
            "force": True,
        },
    ),
    "api-root": E("the API's list of addresses", ok(SIGNED_IN)),
    "api-not-found": E(
        "any other address under /api/v1/: a 404 in JSON, for every method",
        path="/api/v1/children/not-a-number/",
    ),
    "api-schema": E("the OpenAPI schema: public, no data", ok(EVERYONE, ("GET", "OPTIONS"))),
    "api-docs": E(
        "the API's documentation page: public, no data", ok(EVERYONE, ("GET", "OPTIONS"))
    ),
    "api-redoc": E(
        "the API's documentation page: public, no data", ok(EVERYONE, ("GET", "OPTIONS"))
    ),
}

# The Django admin: every page is for site admins (User.is_staff) only, through admin_view;
# everyone else is sent to the admin's login (which sends on to the site's login), or from an
# object's bare address on to its change page (which then does the same).
NAMESPACES: dict[str, Expect] = {
    "admin": E(
        "the Django admin: site admins only",
        goes(EVERYONE, ("GET", "POST"), "/admin/", status=(301, 302)),
    ),
}

# Bugs outside the files this suite's authors may change, reported to their owners: (route,
# method) -> (the words the failure must contain, why). Strict: once fixed, the entry must go.
KNOWN_BUGS: dict = {}

# Which of B's objects stands in for an id of a model (API ids, filter choices, admin ids).
MODEL_KEYS = {
    "schools.municipality": "municipality",
    "schools.neighbourhood": "neighbourhood_dir",
    "schools.school": "vo_school",
    "schools.venue": "venue",
    "schools.group": "vo_group",
    "schools.schoolclosure": "closure",
    "schools.staffmembership": "staff_user",
    "schools.coordinatormembership": "coordinator_user",
    "activities.activity": "draft_activity",
    "activities.child": "child",
    "activities.enrolment": "enrolment",
    "activities.occurrence": "occurrence",
    "activities.attendance": "enrolment",
    "activities.lotteryround": "draft_activity",
    "heroes.hero": "hero",
    "heroes.topic": "topic",
    "heroes.availabilitywindow": "window_1",
    "heroes.availabilityexception": "away_period",
    "scheduler.kit": "kit",
    "scheduler.kitblock": "block",
    "scheduler.sessionrequest": "request",
    "scheduler.offer": "offer",
    "scheduler.visit": "visit",
    "scheduler.matchingrun": "run",
    "accounts.user": "guardian",
    "accounts.invitation": "invitation",
    "notifications.notification": "notification",
    "account.emailaddress": "guardian",
    "mfa.authenticator": "webauthn",
    "auditlog.logentry": "guardian",
    "auth.group": "guardian",
}


def expectation_for(endpoint) -> Expect | None:
    if endpoint.key in EXPECTATIONS:
        return EXPECTATIONS[endpoint.key]
    namespace = endpoint.key.split(":", 1)[0] if ":" in endpoint.key else ""
    if endpoint.route.startswith("admin/"):
        namespace = "admin"
    return NAMESPACES.get(namespace)


# --- building the requests --------------------------------------------------------------------


def _model_key(model) -> str:
    label = model._meta.label_lower
    assert label in MODEL_KEYS, f"no object of B stands in for {label}: add it to MODEL_KEYS"
    return MODEL_KEYS[label]


def _argument(endpoint, name: str, spec: str | None, b: Ids) -> str:
    if spec is None:
        spec = _default_argument(endpoint, name)
    if spec.startswith("pk:"):
        return str(b.pk(spec[3:]))
    if spec.startswith("token:"):
        return b.token(spec[6:])
    return spec


def _default_argument(endpoint, name: str) -> str:
    """The admin's and the API's ids: B's object of the route's model."""
    view = endpoint.viewset
    if name == "pk" and view is not None and getattr(view, "queryset", None) is not None:
        return f"pk:{_model_key(view.queryset.model)}"
    if endpoint.route.startswith("admin/"):
        parts = endpoint.route.split("/")
        if name in ("object_id", "id") and parts[1] != "r":
            return f"pk:{_model_key(apps.get_model(parts[1], parts[2]))}"
        return {"app_label": "schools", "url": "no/such/page/"}.get(name, "1")
    raise AssertionError(f"{endpoint.key}: say in EXPECTATIONS how to fill `{name}`")


def _filters(endpoint, b: Ids) -> dict:
    """An API list's filters on a related object, each set to B's object of that model."""
    view = endpoint.viewset
    filterset = getattr(view, "filterset_class", None)
    if filterset is None or getattr(endpoint.callback, "actions", {}).get("get") != "list":
        return {}
    return {
        name: b.pk(_model_key(_choice_model(filterset, flt)))
        for name, flt in filterset.base_filters.items()
        if isinstance(flt, ModelChoiceFilter | ModelMultipleChoiceFilter)
    }


def _choice_model(filterset, flt):
    """The model a filter chooses from (its choices may be a function of the request)."""
    model = getattr(flt.queryset, "model", None)
    if model is not None:
        return model
    field = None
    current = filterset._meta.model
    for part in flt.field_name.split("__"):
        field = current._meta.get_field(part)
        current = field.related_model
    return current


def build(endpoint, expect: Expect, method: str, b: Ids) -> Request:
    values = {name: _argument(endpoint, name, expect.fill.get(name), b) for name in endpoint.kwargs}
    path = expect.path or endpoint.path(values)
    request = Request(method=method, path=path, as_json=endpoint.is_api)
    if method == "GET":
        request.query = expect.query(b) if expect.query else _filters(endpoint, b)
    if method in BODY_METHODS:
        request.body = expect.body(b) if expect.body else {}
    return request


# --- the tests --------------------------------------------------------------------------------


def test_every_route_has_an_expectation():
    """A new address fails here until EXPECTATIONS says what outsiders may get from it; an
    entry for an address that is gone fails too, so the table stays the truth."""
    routes = endpoints()
    missing = [
        f"{e.key} ({e.route}): add it to EXPECTATIONS in tests/security/test_access.py"
        for e in routes
        if expectation_for(e) is None
    ]
    keys = {e.key for e in routes}
    stale = [f"{key}: no such route any more; remove it" for key in EXPECTATIONS if key not in keys]
    assert not missing + stale, "\n".join(missing + stale)


def _client(world, role: str) -> Client:
    client = Client()
    if role != ANONYMOUS:
        client.force_login(world.outsiders[role])
    client.cookies["django_language"] = "en"
    return client


def _verdict(endpoint, expect, role, method, world, client, baseline) -> str | None:
    """None when the request was refused (or allowed) without effect or leak; else why not."""
    ids = Ids(world)
    request = build(endpoint, expect, method, ids)
    answer = send(client, request, baseline, world)
    where = f"{endpoint.key} [{role}] {request.describe()}"
    if answer.error or answer.status >= 500:
        return f"{where}: {answer.describe()}"
    allowed = [
        rule for rule in expect.allow if rule.covers(role, method, answer.status, answer.location)
    ]
    if method == "OPTIONS" and endpoint.viewset is not None and role != ANONYMOUS:
        allowed.append(ok(SIGNED_IN, ("OPTIONS",)))  # DRF describes its fields, never data
    # A 400 naming the field is the API's answer to an id one may not use; below it must be
    # the answer to an id that does not exist too.
    refused = is_refusal(answer) or (answer.status == 400 and bool(ids.used))
    if not refused and not allowed:
        return (
            f"{where}: {answer.describe()}, not a refusal. If this is what a {role} may get, "
            f"say so in EXPECTATIONS['{endpoint.key}'].\n{answer.text[:300]}"
        )
    effects = set().union(*(rule.effects for rule in allowed)) if allowed else set()
    if answer.changed - effects:
        return f"{where}: {answer.describe()} but changed {sorted(answer.changed - effects)}"
    if answer.changed and answer.b_rows != world.b_rows_before:
        return f"{where}: {answer.describe()} changed rows of B in {sorted(answer.changed)}"
    found = leaks(answer, request, world, role, expect.shows, endpoint)
    if found:
        return f"{where}: {answer.describe()} shows {', '.join(found)}"
    if any(world.hidden_from(role, key, expect.shows) for key in ids.used):
        unknown = Ids(world, unknown_for=role, shown=expect.shows)
        other = send(client, build(endpoint, expect, method, unknown), baseline, world)
        if not same_answer(answer, other, unknown):
            return (
                f"{where}: {answer.describe()} about B's object, but {other.describe()} "
                f"about one that does not exist (an existence oracle)\n"
                f"  B: {answer.text[:300]}\n  unknown: {other.text[:300]}"
            )
    return None


@pytest.mark.parametrize("role", ROLES)
def test_outsiders_get_nothing_of_another_municipality(role, world, db):
    client = _client(world, role)
    baseline = table_digests()
    world.b_rows_before = b_rows(world)
    failures = []
    for endpoint in endpoints():
        expect = expectation_for(endpoint)
        if expect is None:
            continue  # test_every_route_has_an_expectation says so
        for method in endpoint.methods:
            with override_settings(DEBUG=True) if expect.debug else nullcontext():
                failure = _verdict(endpoint, expect, role, method, world, client, baseline)
            known = KNOWN_BUGS.get((endpoint.key, method))
            if known and not failure:
                failures.append(f"{endpoint.key} [{role}] {method}: fixed; remove KNOWN_BUGS entry")
            elif failure and not (known and known[0] in failure):
                failures.append(failure)
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)
