"""The API keeps the promises of its own schema: schemathesis generates requests from
/api/schema/ for every operation and sends them, in-process, as each person who uses the API
(a parent, school staff, a coordinator and a member of the programme team, these three with a
second factor, and a Local Hero), with their API token. Every answer must be a non-5xx, with
a status code the schema documents for the operation, the documented content type and a body
that matches the documented schema.

The data is tests/security/conftest.py's two municipalities; each request runs in a savepoint
that is rolled back, so every example finds the same database.

The number of examples per operation comes from SCHEMATHESIS_MAX_EXAMPLES (default 5, enough
for CI); docs/security.md describes the longer run.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings

from accounts.services import api_token_create

from .conftest import COORDINATOR, HERO, PARENT, PROGRAMME, STAFF

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "5"))
API_ROLES = (PARENT, STAFF, COORDINATOR, HERO, PROGRAMME)

# No 5xx; the status code, content type and body as the schema documents them.
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "mode": os.environ.get("SCHEMATHESIS_MODE", "all"),
            "max-examples": MAX_EXAMPLES,
            "database": "none",
        },
        # The coverage phase tries every boundary of every parameter: thorough, but its size
        # does not follow max-examples. The long run switches it on.
        "phases": {
            "coverage": {"enabled": os.environ.get("SCHEMATHESIS_COVERAGE") == "1"},
            "stateful": {"enabled": False},
        },
        "suppress-health-check": ["all"],
        **(
            {"seed": int(os.environ["SCHEMATHESIS_SEED"])}
            if "SCHEMATHESIS_SEED" in os.environ
            else {}
        ),
    }
)


@contextmanager
def _one_connection():
    """Django's WSGI handler closes the database connection after each request when it is
    not in autocommit, which ours (the test's transaction) is not; the test client unhooks
    that, and so does this."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def api_keys(world) -> dict[str, str]:
    now = timezone.now()
    return {role: api_token_create(user=world.outsiders[role], now=now)[1] for role in API_ROLES}


@pytest.fixture(params=API_ROLES)
def role(request) -> str:
    return request.param


def _load_schema():
    """The schema as the app serves it at /api/schema/ (an anonymous request: no database)."""
    from config.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)


schema = _load_schema()


class _Undo(Exception):
    pass


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.usefixtures("role")
@pytest.mark.django_db
def test_api_answers_as_its_schema_says(case, role, api_keys):
    with _one_connection():
        try:
            with transaction.atomic():
                response = case.call(headers={"Authorization": f"Token {api_keys[role]}"})
                case.validate_response(response, checks=CHECKS)
                raise _Undo
        except _Undo:
            pass
