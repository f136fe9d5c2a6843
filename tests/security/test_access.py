"""Access, proven for every address the site answers.

The addresses come from the URL configuration (tests/security/routes.py), not from a list
kept by hand: every route, with every method it accepts, is requested as each outsider of
tests/security/conftest.py (anonymous, a parent of another family, staff of another school,
the coordinator of the other municipality, a Local Hero assigned to nothing, a member of the
national programme team), about the objects of the second municipality B. Each request must
be refused without effect:

- a 403, 404 or 405; a redirect to the login page (the site's or the admin's, or to log in
  again before a change to the account) or to the two-step setup page; or, when the request
  names an object of B, a 400 naming the field - unless EXPECTATIONS (expectations.py) says
  what else this outsider may legitimately get;
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

from contextlib import nullcontext

import pytest
from django.apps import apps
from django.test import Client, override_settings
from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter

from .conftest import (
    ANONYMOUS,
    ROLES,
    b_rows,
    table_digests,
)
from .expect import SIGNED_IN, Expect, ok
from .expectations import EXPECTATIONS, KNOWN_BUGS, MODEL_KEYS, NAMESPACES
from .probe import Ids, Request, is_refusal, leaks, same_answer, send
from .routes import BODY_METHODS, endpoints


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
        f"{e.key} ({e.route}): add it to tests/security/expect_pages.py or expect_api.py"
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
