"""Every role's main list pages and API lists cost the same queries in a small city as in a
nation of several bigger ones (issue 14): an N+1 over schools, municipalities or rows shows
as a difference.

Both worlds are written once for the module by `demo.scale` (the code behind `manage.py demo
--scale`), the small one first: a tiny town, measured as its coordinator, a staff member, a
parent, a hero and the programme team; then three bigger towns beside it, measured as the
same roles of the biggest one (more schools, more activities, more children to a parent, more
visits to a hero). The programme team is the same person both times and sees every town.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, replace

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from activities.models import Child
from demo.scale import TINY, Sizes, Town, seed_city
from scheduler.models import Offer
from schools.models import ProgrammeMembership
from tests.factories import give_mfa
from tests.helpers import API, login

# The database is set up for marked tests only; the data is the module's (see `counts`).
pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC)
SMALL = replace(TINY, parents=100)
# Bigger in every list a person sees: four times the schools and rows, eight children to a
# parent, few heroes for many visits.
BIG = replace(
    TINY,
    neighbourhoods=8,
    venues=4,
    schools=16,
    secondary_schools=4,
    children=1_200,
    parents=150,
    activities=80,
    enrolments=800,
    heroes=30,
    topics=8,
    kits=4,
    session_requests=160,
    visits=140,
)
TOWNS = [
    (Town("Klein", "klein", "midden", "klein.test", 0), SMALL),
    (Town("Groot", "groot", "noord", "groot.test", 100), BIG),
    (Town("Midden", "midden", "zuid", "midden.test", 200), BIG),
    (Town("Ander", "ander", "midden", "ander.test", 300), BIG),
]

# (role, URL name) of the pages and (role, path) of the API lists; the school's dashboard is
# the busiest school's. (A family's enrolments in the API are the parent's own.)
PAGES = [
    ("parent", "activities:browse"),
    ("parent", "activities:children"),
    ("parent", "activities:my_enrolments"),
    ("staff", "activities:staff_list"),
    ("staff", "scheduler:request-list"),
    ("staff", "reports:school"),
    ("staff", "campaigns:list"),
    ("coordinator", "activities:staff_list"),
    ("coordinator", "activities:venue_clashes"),
    ("coordinator", "heroes:hero_list"),
    ("coordinator", "heroes:topic_list"),
    ("coordinator", "scheduler:request-list"),
    ("coordinator", "scheduler:board"),
    ("coordinator", "scheduler:kit-list"),
    ("coordinator", "schools:school_list"),
    ("coordinator", "schools:neighbourhood_list"),
    ("coordinator", "schools:venue_list"),
    ("coordinator", "schools:closure_list"),
    ("coordinator", "campaigns:list"),
    ("coordinator", "reports:dashboard"),
    ("hero", "scheduler:hero-offers"),
    ("hero", "heroes:my_profile"),
    ("programme", "reports:national"),
]
API_LISTS = [
    ("parent", "activities/"),
    ("parent", "children/"),
    ("parent", "enrolments/"),
    ("staff", "activities/"),
    ("staff", "groups/"),
    ("staff", "session-requests/"),
    ("coordinator", "municipalities/"),
    ("coordinator", "neighbourhoods/"),
    ("coordinator", "schools/"),
    ("coordinator", "venues/"),
    ("coordinator", "groups/"),
    ("coordinator", "activities/"),
    ("coordinator", "heroes/"),
    ("coordinator", "topics/"),
    ("coordinator", "session-requests/"),
    ("coordinator", "visits/"),
    ("coordinator", "kits/"),
    ("coordinator", "kit-blocks/"),
    ("coordinator", "matching-runs/"),
    ("coordinator", "parent-messages/"),
    ("hero", "offers/"),
    ("hero", "visits/"),
    ("hero", "heroes/me/availability/"),
    ("programme", "reports/national/"),
]

# Pages that are not one paginated list (dashboards, a profile, the board's sections), and
# lists a town does not grow: one municipality, its holidays, a kit's maintenance day, a
# hero's own windows, no messages sent; and the busiest school's classes, big or small.
SAME_ROWS = {
    "schools:closure_list",
    "kit-blocks/",
    ("staff", "groups/"),
    "reports:school",
    "reports:dashboard",
    "reports:national",
    "reports/national/",
    "heroes:my_profile",
    "scheduler:hero-offers",
    "activities:my_enrolments",
    "activities:venue_clashes",
    "campaigns:list",
    "parent-messages/",
    "municipalities/",
    "heroes/me/availability/",
}


@dataclass
class People:
    """Who looks, in one world."""

    coordinator: User
    staff: User
    school_id: int
    parent: User
    hero: User
    programme: User


def people_of(town: Town, city, programme: User) -> People:
    guardians = Counter(
        Child.objects.filter(guardian__email__endswith=f"@{town.domain}").values_list(
            "guardian_id", flat=True
        )
    )
    heroes = Counter(
        Offer.objects.filter(hero__user__email__endswith=f"@{town.domain}").values_list(
            "hero__user_id", flat=True
        )
    )
    people = People(
        coordinator=User.objects.get(pk=city.coordinator_id),
        staff=User.objects.get(pk=city.staff_id),
        school_id=city.school_id,
        parent=User.objects.get(pk=guardians.most_common(1)[0][0]),
        hero=User.objects.get(pk=heroes.most_common(1)[0][0]),
        programme=programme,
    )
    for user in (people.coordinator, people.staff, people.programme):
        if not user.authenticator_set.exists():
            give_mfa(user)  # mfa_exempt counts with DEBUG on only
    return people


def seed(towns: list[tuple[Town, Sizes]], password: str) -> dict:
    return {
        town.slug: seed_city(sizes, random.Random(town.slug), NOW, town=town, password=password)
        for town, sizes in towns
    }


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker):
    """Queries per (role, page) in the small world, then in the big one (the same database,
    grown); everything is rolled back at the end."""
    with (
        time_machine.travel(NOW, tick=False),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        password = make_password("x")
        programme = User.objects.create(
            email="programme@klein.test", password=password, mfa_exempt=True
        )
        ProgrammeMembership.objects.create(user=programme)
        small = seed(TOWNS[:1], password)
        measured = {"small": measure(people_of(TOWNS[0][0], small["klein"], programme))}
        big = seed(TOWNS[1:], password)
        measured["big"] = measure(people_of(TOWNS[1][0], big["groot"], programme))
        yield measured
        transaction.set_rollback(True)


def measure(people: People) -> dict:
    from django.test import Client

    result = {}
    for role, name in PAGES:
        client = login(Client(), getattr(people, role))
        url = reverse(name, kwargs={"pk": people.school_id} if name == "reports:school" else None)
        result[role, name] = run(client, url, {})
    for role, path in API_LISTS:
        client = login(Client(), getattr(people, role))
        result[role, path] = run(client, f"{API}/{path}", {"HTTP_ACCEPT": "application/json"})
    return result


def run(client, url: str, headers: dict) -> tuple[int, int, int | None]:
    """(status, queries, rows in the whole list): the API's count, or the page's paginator's;
    None for a page that is not one list. Counted on the second visit: the first one after
    login may write the session."""
    client.get(url, **headers)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    if headers:
        rows = response.json().get("count") if response.status_code == 200 else None
    else:
        page = response.context and response.context.get("page_obj")
        rows = page.paginator.count if page else None
    return response.status_code, len(ctx.captured_queries), rows


@pytest.mark.parametrize(("role", "page"), PAGES + API_LISTS)
def test_a_list_costs_the_same_queries_in_a_small_city_and_a_nation(counts, role, page):
    small_status, small, small_rows = counts["small"][role, page]
    big_status, big, big_rows = counts["big"][role, page]

    assert small_status == big_status == 200
    if page not in SAME_ROWS and (role, page) not in SAME_ROWS:
        assert 0 < small_rows < big_rows  # the bigger world shows more
    assert small == big, f"{role} {page}: {small} queries small, {big} big"
