"""Two municipalities for the security suites, built once per module.

The people of the first municipality ("A": Zaanstad) are the outsiders: a parent of another
family, school staff of two A schools, a coordinator of A (and of a second municipality, so
that forms offer a choice of municipality, where B is none), a Local Hero of A who is
assigned to nothing and a member of the national programme team; staff, coordinator and
programme member have a second factor, so the two-step gate hides nothing. They have a little
of their own (a child, an activity, a request, a kit), so that the API's deeper paths have
something to act on.
The second municipality ("B": Veenhoven) is complete: schools, groups, venue, closures,
activities with sessions and enrolments, a child with its guardian, a hero with availability,
an away period and a VOG, a kit with a block, session requests with windows, an offer, a
visit, a matching run, an invitation, a failed message, calendar feed tokens, a data export
and another member of the programme team.

Every object of B carries a marker (a word found nowhere else) and a tier saying who may see
it: `published` (a published activity, its school and neighbourhood: anyone signed in),
`directory` (municipality, the other school, venue, neighbourhood: parents read the whole
directory, since children cross municipal borders) or `private` (everything else: nobody of A).

The world is written inside one transaction that is rolled back when the module is done; each
test runs in a savepoint inside it (pytest-django's `db`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import override_settings

from accounts.models import DataExport, Invitation
from activities import services as activity_services
from activities.models import Attendance, Enrolment
from campaigns.models import ParentMessage
from config.celery import app as celery_app
from heroes import services as hero_services
from notifications.models import FeedToken, Notification
from tests import factories
from tests.clock import NOW, THURSDAY, at

ANONYMOUS = "anonymous"
PARENT = "parent"
STAFF = "staff"
COORDINATOR = "coordinator"
HERO = "hero"
PROGRAMME = "programme"
ROLES = (ANONYMOUS, PARENT, STAFF, COORDINATOR, HERO, PROGRAMME)

PUBLISHED = "published"
DIRECTORY = "directory"
PRIVATE = "private"

# The tiers of B each outsider may see.
VISIBLE = {
    ANONYMOUS: frozenset(),
    PARENT: frozenset({PUBLISHED, DIRECTORY}),
    STAFF: frozenset({PUBLISHED}),
    COORDINATOR: frozenset({PUBLISHED}),
    HERO: frozenset({PUBLISHED}),
    # The national team sees figures of every municipality, never a person or a child: on the
    # pages and endpoints of this suite, what anyone signed in sees (published activities,
    # and the schools any child form offers).
    PROGRAMME: frozenset({PUBLISHED}),
}

# Tables whose rows change by merely being signed in (sessions), not by what a request did.
NOT_CHECKED = frozenset({"django_session"})

# An id no row has, and a token no row has: what "does not exist" looks like.
UNKNOWN_ID = 987_654_321
UNKNOWN_TOKEN = "no-such-token-0000000000000000000000000000"


@dataclass
class Thing:
    """One object of B: the row, who may see it, and the words that give it away."""

    obj: object
    tier: str
    markers: tuple[str, ...] = ()


@dataclass
class World:
    outsiders: dict[str, object]  # role -> User (no entry for anonymous)
    b: dict[str, Thing] = field(default_factory=dict)
    own: dict[str, object] = field(default_factory=dict)  # the outsiders' own objects
    b_rows_before: str = ""  # b_rows() before the requests

    def add(self, key: str, obj, tier: str = PRIVATE, *markers: str):
        self.b[key] = Thing(obj, tier, markers)
        return obj

    def pk(self, key: str):
        return self.b[key].obj.pk

    def hidden_from(self, role: str, key: str, shown: frozenset[str] = frozenset()) -> bool:
        """Whether `role` may not see B's object `key` (`shown`: keys or tiers a route shows
        anyway)."""
        tier = self.b[key].tier
        return tier not in VISIBLE[role] and key not in shown and tier not in shown

    def markers_hidden_from(self, role: str, shown: frozenset[str] = frozenset()):
        """(key, marker) pairs of B that `role` must not see; `shown` lists keys (or whole
        tiers) a route may show anyway."""
        return [
            (key, marker)
            for key, thing in self.b.items()
            if self.hidden_from(role, key, shown)
            for marker in thing.markers
        ]

    def ids_hidden_from(self, role: str, model, shown: frozenset[str] = frozenset()) -> set[int]:
        """The ids of B's objects of `model` that `role` may not see (`shown`: keys or tiers a
        route shows anyway)."""
        return {
            thing.obj.pk
            for key, thing in self.b.items()
            if type(thing.obj) is model and self.hidden_from(role, key, shown)
        }


def _outsiders() -> tuple[dict[str, object], dict[str, object]]:
    """Municipality A and its people, each with a little of their own."""
    municipality = factories.MunicipalityFactory(name="Zaanstad", slug="zaanstad")
    school = factories.SchoolFactory(neighbourhood__municipality=municipality, name="Eigen PO")
    vo_school = factories.SchoolFactory(
        neighbourhood__municipality=municipality, name="Eigen VO", level="vo"
    )
    parent = factories.parent(name="Ouder Anders")
    own_child = factories.ChildFactory(guardian=parent, school=school, first_name="Eigenkind")
    staff = factories.staff(school, name="Leraar Anders")
    factories.StaffMembershipFactory(user=staff, school=vo_school)
    # A coordinator of two municipalities: the forms then offer a choice, where B is none.
    coordinator = factories.coordinator(municipality, name="Coordinator Anders")
    factories.CoordinatorMembershipFactory(
        user=coordinator,
        municipality=factories.MunicipalityFactory(name="Wormerland", slug="wormerland"),
    )
    hero = factories.HeroFactory(municipality=municipality, display_name="Held Anders")
    # The national programme team: no municipality of its own (its figures pages are the
    # reports app's, aggregates only), with a second factor like staff and coordinators.
    programme = factories.programme(name="Programma Anders")
    # Their own work, so that the API's deeper paths (a register, a cancellation, a block)
    # have something to act on when the schemathesis suite hits one of these ids.
    group = factories.GroupFactory(school=vo_school, name="Eigen groep", grade=2)
    activity = factories.ActivityFactory(school=school, title="Eigen sport", capacity=5)
    activity_services.occurrences_regenerate(activity=activity, today=NOW.date())
    enrolment = factories.EnrolmentFactory(child=own_child, activity=activity)
    type(activity).objects.filter(pk=activity.pk).update(seats_taken=1)
    factories.ActivityFactory(school=school, title="Eigen concept", status="draft")
    hero_services.topic_create(municipality=municipality, name="Eigen onderwerp")
    kit = factories.KitFactory(municipality=municipality, name="Eigen kit")
    factories.KitBlockFactory(kit=kit)
    factories.SessionRequestFactory(group=group, requested_by=staff)
    factories.MatchingRunFactory(municipality=municipality)
    own = {
        "municipality": municipality,
        "school": school,
        "vo_school": vo_school,
        "child": own_child,
        "group": group,
        "activity": activity,
        "enrolment": enrolment,
        "kit": kit,
        "hero": hero,
    }
    outsiders = {
        PARENT: parent,
        STAFF: staff,
        COORDINATOR: coordinator,
        HERO: hero.user,
        PROGRAMME: programme,
    }
    return outsiders, own


def _second_municipality(world: World) -> None:
    add = world.add
    municipality = add(
        "municipality",
        factories.MunicipalityFactory(name="Veenhoven Bmarker", slug="veenhoven"),
        DIRECTORY,
        "Veenhoven Bmarker",
    )
    hood = add(
        "neighbourhood",
        factories.NeighbourhoodFactory(municipality=municipality, name="Publiekwijk Bmarker"),
        PUBLISHED,
        "Publiekwijk Bmarker",
    )
    hood2 = add(
        "neighbourhood_dir",
        factories.NeighbourhoodFactory(municipality=municipality, name="Gidswijk Bmarker"),
        DIRECTORY,
        "Gidswijk Bmarker",
    )
    school = add(
        "school",
        factories.SchoolFactory(neighbourhood=hood, name="Publiekschool Bmarker"),
        PUBLISHED,
        "Publiekschool Bmarker",
    )
    vo_school = add(
        "vo_school",
        factories.SchoolFactory(neighbourhood=hood2, name="Gidscollege Bmarker", level="vo"),
        DIRECTORY,
        "Gidscollege Bmarker",
    )
    add(
        "venue",
        factories.VenueFactory(neighbourhood=hood2, name="Gidszaal Bmarker"),
        DIRECTORY,
        "Gidszaal Bmarker",
    )
    group = add(
        "group",
        factories.GroupFactory(school=school, name="Groepgeheim Bmarker"),
        PRIVATE,
        "Groepgeheim Bmarker",
    )
    vo_group = add(
        "vo_group",
        factories.GroupFactory(school=vo_school, name="Klasgeheim Bmarker", grade=2),
        PRIVATE,
        "Klasgeheim Bmarker",
    )
    add(
        "closure",
        factories.ClosureFactory(municipality=municipality, name="Sluitinggeheim Bmarker"),
        PRIVATE,
        "Sluitinggeheim Bmarker",
    )
    add(
        "school_closure",
        factories.ClosureFactory(
            municipality=municipality,
            school=vo_school,
            name="Studiedaggeheim Bmarker",
            kind="study_day",
            start_date=dt.date(2027, 2, 3),
            end_date=dt.date(2027, 2, 3),
        ),
        PRIVATE,
        "Studiedaggeheim Bmarker",
    )

    # People of B.
    staff = add(
        "staff_user",
        factories.staff(school, name="Juf Geheim Bmarker", email="juf-bmarker@example.test"),
        PRIVATE,
        "Juf Geheim Bmarker",
        "juf-bmarker@example.test",
    )
    factories.StaffMembershipFactory(user=staff, school=vo_school)
    add(
        "coordinator_user",
        factories.coordinator(
            municipality, name="Regisseur Geheim Bmarker", email="regie-bmarker@example.test"
        ),
        PRIVATE,
        "Regisseur Geheim Bmarker",
        "regie-bmarker@example.test",
    )
    # Another member of the national team: nobody of A may see who they are.
    programme_user = factories.programme(
        name="Programmageheim Bmarker", email="programma-bmarker@example.test"
    )
    add(
        "programme_member",
        programme_user.programme_membership,
        PRIVATE,
        "Programmageheim Bmarker",
        "programma-bmarker@example.test",
    )
    guardian = add(
        "guardian",
        factories.parent(name="Ouder Geheim Bmarker", email="ouder-bmarker@example.test"),
        PRIVATE,
        "Ouder Geheim Bmarker",
        "ouder-bmarker@example.test",
    )
    child = add(
        "child",
        factories.ChildFactory(
            guardian=guardian, school=school, group=group, first_name="Kindgeheim-Bmarker"
        ),
        PRIVATE,
        "Kindgeheim-Bmarker",
    )
    sibling = add(
        "sibling",
        factories.ChildFactory(
            guardian=guardian, school=school, group=group, first_name="Broertjegeheim-Bmarker"
        ),
        PRIVATE,
        "Broertjegeheim-Bmarker",
    )

    # Activities: one published (with sessions, a place, an offer and a mark), one draft.
    activity = add(
        "activity",
        factories.ActivityFactory(school=school, title="Publieksport Bmarker", capacity=1),
        PUBLISHED,
        "Publieksport Bmarker",
    )
    activity_services.occurrences_regenerate(activity=activity, today=NOW.date())
    occurrence = activity.occurrences.order_by("starts_at").first()
    world.add("occurrence", occurrence, PUBLISHED)
    draft = add(
        "draft_activity",
        factories.ActivityFactory(
            school=school,
            title="Conceptgeheim Bmarker",
            status="draft",
            description="Conceptomschrijving Bmarker",
        ),
        PRIVATE,
        "Conceptgeheim Bmarker",
    )
    activity_services.occurrences_regenerate(activity=draft, today=NOW.date())
    enrolment = add("enrolment", factories.EnrolmentFactory(child=child, activity=activity))
    add(
        "offered_enrolment",
        factories.EnrolmentFactory(
            child=sibling,
            activity=draft,
            status=Enrolment.Status.OFFERED,
            offer_expires_at=NOW + dt.timedelta(days=2),
        ),
    )
    type(activity).objects.filter(pk=activity.pk).update(seats_taken=1)
    type(draft).objects.filter(pk=draft.pk).update(seats_taken=1)
    Attendance.objects.create(occurrence=occurrence, enrolment=enrolment, status="present")

    # A Local Hero of B with a topic, availability, an away period and a VOG.
    topic = add(
        "topic",
        hero_services.topic_create(municipality=municipality, name="Onderwerpgeheim Bmarker"),
        PRIVATE,
        "Onderwerpgeheim Bmarker",
    )
    hero = add(
        "hero",
        factories.HeroFactory(
            municipality=municipality,
            display_name="Heldgeheim Bmarker",
            user__email="held-bmarker@example.test",
            story="Verhaalgeheim Bmarker",
        ),
        PRIVATE,
        "Heldgeheim Bmarker",
        "held-bmarker@example.test",
    )
    hero.topics.add(topic)
    hero.languages = ["nl"]
    hero.vr_trained_on = dt.date(2026, 6, 1)
    hero.save()
    for weekday in (1, 3):
        world.add(
            f"window_{weekday}",
            hero_services.availability_window_add(
                hero=hero, weekday=weekday, start_time=dt.time(9), end_time=dt.time(16)
            ),
        )
    add(
        "away_period",
        hero_services.away_period_add(
            hero=hero,
            starts_on=dt.date(2026, 12, 21),
            ends_on=dt.date(2026, 12, 24),
            note="Afwezigheidgeheim Bmarker",
            now=NOW,
        ),
        PRIVATE,
        "Afwezigheidgeheim Bmarker",
    )
    add(
        "vog",
        hero_services.vog_record(
            hero=hero, issued_on=dt.date(2026, 1, 5), recorded_by=None, now=NOW
        ),
    )

    # VR kits, session requests, an offer, a visit and a matching run.
    kit = add(
        "kit",
        factories.KitFactory(municipality=municipality, name="Kitgeheim Bmarker"),
        PRIVATE,
        "Kitgeheim Bmarker",
    )
    add(
        "block",
        factories.KitBlockFactory(kit=kit, reason="Onderhoudgeheim Bmarker"),
        PRIVATE,
        "Onderhoudgeheim Bmarker",
    )
    offered_request = add(
        "request",
        factories.SessionRequestFactory(
            group=vo_group, requested_by=staff, notes="Verzoekgeheim Bmarker"
        ),
        PRIVATE,
        "Verzoekgeheim Bmarker",
    )
    world.add("request_window", offered_request.windows.get())
    add("offer", factories.OfferFactory(request=offered_request, hero=hero))
    planned = add(
        "planned_request",
        factories.SessionRequestFactory(
            group=vo_group,
            requested_by=staff,
            notes="Bezoekgeheim Bmarker",
            windows=[(at(THURSDAY, 10), at(THURSDAY, 12))],
        ),
        PRIVATE,
        "Bezoekgeheim Bmarker",
    )
    visit = add("visit", factories.VisitFactory(request=planned, hero=hero))
    add("accepted_offer", visit.offer)
    add(
        "run",
        factories.MatchingRunFactory(
            municipality=municipality, error="Rungeheim Bmarker", engine_status="OPTIMAL"
        ),
        PRIVATE,
        "Rungeheim Bmarker",
    )

    # Accounts: an invitation, a failed message, calendar feeds, a data export, a security key.
    add(
        "invitation",
        Invitation.objects.create(
            email="uitgenodigd-bmarker@example.test",
            role=Invitation.Role.STAFF,
            municipality=municipality,
            school=vo_school,
            staff_role="teacher",
            expires_at=NOW + dt.timedelta(days=14),
        ),
        PRIVATE,
        "uitgenodigd-bmarker@example.test",
    )
    add(
        "notification",
        Notification.objects.create(
            recipient=guardian,
            to_email=guardian.email,
            kind="activity:confirmed",
            subject="Berichtgeheim Bmarker",
            body_text="Berichttekst Bmarker",
            idempotency_key="security-suite-b-1",
            municipality_pk=municipality.pk,
            status=Notification.Status.FAILED,
            last_error="Foutgeheim Bmarker",
        ),
        PRIVATE,
        "Berichtgeheim Bmarker",
    )
    add(
        "parent_message",
        ParentMessage.objects.create(
            municipality=municipality,
            sender_role=ParentMessage.SenderRole.STAFF,
            created_by=staff,
            school=school,
            subject_nl="Oudergeheim Bmarker",
            text_nl="Oudertekst Bmarker",
            send_at=NOW + dt.timedelta(days=30),
            created_at=NOW,
        ),
        PRIVATE,
        "Oudergeheim Bmarker",
    )
    feed = FeedToken.objects.create(user=guardian)
    add("feed_token", feed, PRIVATE, feed.token)
    revoked = FeedToken.objects.create(user=hero.user, revoked_at=NOW)
    add("revoked_feed_token", revoked, PRIVATE, revoked.token)
    export = DataExport.objects.create(
        user=guardian,
        created_at=NOW,
        ready_at=NOW,
        expires_at=NOW + dt.timedelta(days=7),
        data={"account": {"name": "Exportgeheim Bmarker"}},
    )
    add("data_export", export, PRIVATE, export.token, "Exportgeheim Bmarker")
    add(
        "webauthn",
        Authenticator.objects.create(
            user=staff, type=Authenticator.Type.WEBAUTHN, data={"name": "Sleutelgeheim Bmarker"}
        ),
        PRIVATE,
        "Sleutelgeheim Bmarker",
    )


def build_world() -> World:
    outsiders, own = _outsiders()
    world = World(outsiders=outsiders, own=own)
    _second_municipality(world)
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Both municipalities, at Monday 2 November 2026 09:00 (tests/clock.py), for the whole
    module; rolled back afterwards."""
    celery_app.conf.task_always_eager = True
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        CELERY_TASK_ALWAYS_EAGER=True,
    )
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=True), fast:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --- the database, row by row ---------------------------------------------------------------

# B's rows, found through its municipality: a request allowed to change a table (the person's
# own rows) must still leave these alone.
B_SCOPES = {
    "schools.Neighbourhood": "municipality",
    "schools.School": "neighbourhood__municipality",
    "schools.Venue": "neighbourhood__municipality",
    "schools.Group": "school__neighbourhood__municipality",
    "schools.SchoolClosure": "municipality",
    "schools.StaffMembership": "school__neighbourhood__municipality",
    "schools.CoordinatorMembership": "municipality",
    "activities.Activity": "school__neighbourhood__municipality",
    "activities.Occurrence": "activity__school__neighbourhood__municipality",
    "activities.Enrolment": "activity__school__neighbourhood__municipality",
    "activities.LotteryRound": "school__neighbourhood__municipality",
    "heroes.Topic": "municipality",
    "heroes.Hero": "municipality",
    "heroes.AvailabilityWindow": "hero__municipality",
    "heroes.AvailabilityException": "hero__municipality",
    "scheduler.Kit": "municipality",
    "scheduler.KitBlock": "kit__municipality",
    "scheduler.SessionRequest": "school__neighbourhood__municipality",
    "scheduler.Offer": "request__school__neighbourhood__municipality",
    "scheduler.Visit": "request__school__neighbourhood__municipality",
    "scheduler.MatchingRun": "municipality",
    "accounts.Invitation": "municipality",
}


def b_rows(world: World) -> str:
    """A digest of every row of B's municipality."""
    municipality = world.b["municipality"].obj
    parts = []
    for label, path in B_SCOPES.items():
        model = apps.get_model(label)
        rows = model.objects.filter(**{path: municipality}).order_by("pk").values_list()
        parts.append(f"{label}: {list(rows)!r}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def table_digests() -> dict[str, str]:
    """A digest of every table's rows (but the sessions'): two equal results mean no row was
    added, changed or removed."""
    digests = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in NOT_CHECKED:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(row) for row in cursor.fetchall())
            digests[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digests


def changed_tables(before: dict[str, str]) -> set[str]:
    after = table_digests()
    return {
        table for table in before.keys() | after.keys() if before.get(table) != after.get(table)
    }
