"""Floors: the least work a request of a kind can be, served by the same middleware as the app,
so the yardstick for the real thing.

- `floor`, for an enrolment: find the token's user, lock a counter row, bump it and insert one
  row, in one transaction (see enrolment_rush).
- `enrol_page`, for the family's enrol form: the same, for the signed-in person of the session,
  posted as a form with its CSRF token and answered with a redirect, as the real page is.
- `page`, for a page: one trivial query and a tiny template rendered with the app's context
  processors, for the signed-in person of the session (see dashboards).
"""

from __future__ import annotations

import json

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.authentication import token_digest
from accounts.models import ApiToken
from schools.models import Municipality

TABLES = """
CREATE TABLE IF NOT EXISTS bench_counter (id integer PRIMARY KEY, n integer NOT NULL);
CREATE TABLE IF NOT EXISTS bench_floor_row (
    id bigserial PRIMARY KEY,
    counter_id integer NOT NULL REFERENCES bench_counter (id),
    child_id bigint NOT NULL,
    user_id bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
"""


def create_tables(counter_ids) -> None:
    with connection.cursor() as cursor:
        cursor.execute(TABLES)
        cursor.executemany(
            "INSERT INTO bench_counter (id, n) VALUES (%s, 0)", [(pk,) for pk in counter_ids]
        )


@csrf_exempt
@require_POST
def floor(request: HttpRequest) -> JsonResponse:
    key = request.headers.get("Authorization", "").removeprefix("Token ")
    user_id = (
        ApiToken.objects.filter(digest=token_digest(key)).values_list("user_id", flat=True).first()
    )
    if user_id is None:
        return JsonResponse({"detail": "Not signed in."}, status=401)
    body = json.loads(request.body)
    row_id = _count(body["activity"], body["child"], user_id)
    return JsonResponse({"id": row_id, "status": "ok"}, status=201)


def _count(counter_id: int, child_id: int, user_id: int) -> int:
    """Lock the counter row, bump it and insert one row, in one transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT n FROM bench_counter WHERE id = %s FOR UPDATE", [counter_id])
        cursor.execute("UPDATE bench_counter SET n = n + 1 WHERE id = %s", [counter_id])
        cursor.execute(
            "INSERT INTO bench_floor_row (counter_id, child_id, user_id) VALUES (%s, %s, %s)"
            " RETURNING id",
            [counter_id, child_id, user_id],
        )
        (row_id,) = cursor.fetchone()
    return row_id


@require_POST
def enrol_page(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponse("Not signed in.", status=403)
    row_id = _count(pk, int(request.POST["children"]), request.user.pk)
    return HttpResponseRedirect(f"/bench/enrolled/?e={row_id}")


@require_GET
def page(request: HttpRequest) -> HttpResponse:
    name = (
        Municipality.objects.filter(pk=request.GET.get("municipality") or 0)
        .values_list("name", flat=True)
        .first()
    )
    return render(request, "bench/floor.html", {"name": name or "-"})
