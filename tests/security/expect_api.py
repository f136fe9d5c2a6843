"""Expectations for the API under /api/v1/ and its documentation (see test_access.py)."""

from __future__ import annotations

from .conftest import (
    COORDINATOR,
    HERO,
    PARENT,
    PROGRAMME,
    STAFF,
)
from .expect import (
    EVERYONE,
    SIGNED_IN,
    WINDOW,
    E,
    Expect,
    child_body,
    kit_body,
    ok,
    pk,
)
from .expect_pages import PLACES_IN_FIGURES

API: dict[str, Expect] = {
    # --- the API ------------------------------------------------------------------------------
    "calendar-feed": E(
        "the person's own calendar address: read it, make a new one, stop it",
        ok(SIGNED_IN, ("GET",)),
        ok(SIGNED_IN, ("POST",), status=(201,), effects=("notifications_feedtoken",)),
        ok(SIGNED_IN, ("DELETE",), status=(204,), effects=("notifications_feedtoken",)),
    ),
    "report-municipality": E(
        "a municipality's figures: B is a 400 for its coordinators (not a choice); the programme "
        "team sees any municipality's figures, so B's names of places",
        ok((PROGRAMME,)),
        query=lambda b: {"municipality": b.pk("municipality")},
        shows=PLACES_IN_FIGURES,
    ),
    "report-school": E("B's school's figures", fill=pk("school")),
    "report-national": E(
        "every municipality side by side, for the programme team",
        ok((PROGRAMME,)),
        shows=("municipality",),
    ),
    "programme-municipality-list": E(
        "every municipality with its counts for the programme team (B's name and numbers, "
        "never a person); adding one is for programme administrators only",
        ok((PROGRAMME,)),
        shows=("municipality",),
        body=lambda b: {
            "name": "Indringerstad",
            "holiday_region": "noord",
            "coordinator_name": "Indringer",
            "coordinator_email": "indringer@example.test",
        },
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
    "activity-publish": E("B's draft", fill=pk("draft_activity")),
    "venue-calendar-week": E("B's venue's week", fill=pk("venue")),
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
    "enrolment-sessions": E("B's enrolment's sessions and marks"),
    "enrolment-absence": E(
        "B's child's absence",
        fill={"pk": "pk:enrolment", "session_pk": "pk:occurrence"},
        body=lambda b: {"reason": "Indringer"},
    ),
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
    "parent-message-list": E(
        "one's own messages to families (none for parents and heroes); one to B's families is "
        "refused (its neighbourhood and school are not choices)",
        ok(SIGNED_IN),
        body=lambda b: {
            "neighbourhood": b.pk("neighbourhood"),
            "school": b.pk("school"),
            "subject_nl": "Indringer",
            "text_nl": "Indringer",
        },
    ),
    "parent-message-detail": E("B's message to families", fill=pk("parent_message")),
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
