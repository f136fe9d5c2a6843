"""A small town for Be on Track messages: two neighbourhoods, two schools, families."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.test import TestCase

from campaigns import services
from campaigns.models import ParentMessage
from core.roles import Roles
from tests import clock, factories

NOW = clock.MONDAY_NOON


@dataclass
class Town:
    municipality: object
    east: object
    west: object
    school: object
    other_school: object


def town() -> Town:
    municipality = factories.MunicipalityFactory(name="Zaanstad", slug="zaanstad")
    east = factories.NeighbourhoodFactory(municipality=municipality, name="Oost")
    west = factories.NeighbourhoodFactory(municipality=municipality, name="West")
    school = factories.SchoolFactory(neighbourhood=east)
    other_school = factories.SchoolFactory(neighbourhood=west)
    return Town(municipality, east, west, school, other_school)


def family(school, *, neighbourhood=None, language="nl", children=1, grade=5, **kwargs):
    """A guardian with `children` children at `school`, living in `neighbourhood`."""
    guardian = factories.parent(language=language, **kwargs)
    for _ in range(children):
        factories.ChildFactory(
            guardian=guardian, school=school, neighbourhood=neighbourhood, grade=grade
        )
    return guardian


def coordinator_roles(municipality) -> Roles:
    return Roles(coordinator_of=frozenset({municipality.pk}))


def write(roles, municipality, *, now=NOW, sender=None, **fields) -> ParentMessage:
    """A message in Dutch (and whatever `fields` add), saved as the service does."""
    fields.setdefault("subject_nl", "Nieuws")
    fields.setdefault("text_nl", "Hallo allemaal")
    fields.setdefault("send_at", now)
    role = ParentMessage.SenderRole.COORDINATOR if roles.is_coordinator else "staff"
    # The send is queued on commit: run it, as the commit would.
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        return services.parent_message_create(
            sender=sender or factories.UserFactory(),
            roles=roles,
            now=now,
            municipality=municipality,
            sender_role=role,
            **fields,
        )
