"""The migration that adds one pending invitation per address, role and place: duplicates made
before it are withdrawn, the newest kept, so the constraints can be added on a live database."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0006_api_tokens_only_for_staff")]
AFTER = [("accounts", "0007_one_pending_invitation")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_older_duplicate_pending_invitations_are_withdrawn():
    apps = _migrate(BEFORE)
    Invitation = apps.get_model("accounts", "Invitation")
    Municipality = apps.get_model("schools", "Municipality")
    town = Municipality.objects.create(name="Zaanstad", slug="zaanstad")
    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)

    def invite(email, role="hero", **extra):
        return Invitation.objects.create(
            email=email,
            role=role,
            municipality=town,
            token=f"t{Invitation.objects.count()}",
            expires_at=start + dt.timedelta(days=14),
            **extra,
        ).pk

    older = invite("Sam@example.test")
    newest = invite("sam@example.test")
    accepted = invite("sam@example.test", accepted_at=start)
    other_role = invite("sam@example.test", role="coordinator")
    Invitation.objects.filter(pk=older).update(created_at=start)
    Invitation.objects.filter(pk=newest).update(created_at=start + dt.timedelta(days=1))

    apps = _migrate(AFTER)

    rows = {i.pk: i for i in apps.get_model("accounts", "Invitation").objects.all()}
    assert rows[older].revoked_at is not None
    assert rows[newest].revoked_at is None
    assert rows[accepted].revoked_at is None
    assert rows[other_role].revoked_at is None
