"""Two coordinators (or two tabs) invite the same address at the same moment, on PostgreSQL:
one invitation is made and everyone gets it back, no error. With no row to lock before the
first exists, the partial unique constraint is the guard."""

import uuid

import pytest
from django.utils import timezone

from accounts import services
from accounts.models import Invitation
from tests import factories
from tests.concurrency import at_once
from tests.conftest import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

THREADS = 10


def test_inviting_one_address_at_once_makes_one_invitation(municipality, school):
    coordinators = [factories.coordinator(municipality) for _ in range(2)]

    def invite(i):
        return lambda: services.invitation_create(
            invited_by=coordinators[i % 2],
            municipality=municipality,
            role=Invitation.Role.STAFF,
            email="Rush@example.test" if i % 2 else "rush@example.test",
            school=school,
            now=timezone.now(),
            submission_key=uuid.uuid4(),
        )

    results = at_once([invite(i) for i in range(THREADS)])

    assert all(isinstance(r, Invitation) for r in results), results
    assert {r.pk for r in results} == {Invitation.objects.get().pk}
