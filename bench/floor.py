"""The least work an enrolment can be: find the token's user, lock a counter row, bump it and
insert one row, in one transaction. Served by the same gunicorn and middleware as the app, it is
the most this machine can do, and so the yardstick for the real endpoint (see enrolment_rush)."""

from __future__ import annotations

import json

from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.authentication import token_digest
from accounts.models import ApiToken

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
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT n FROM bench_counter WHERE id = %s FOR UPDATE", [body["activity"]])
        cursor.execute("UPDATE bench_counter SET n = n + 1 WHERE id = %s", [body["activity"]])
        cursor.execute(
            "INSERT INTO bench_floor_row (counter_id, child_id, user_id) VALUES (%s, %s, %s)"
            " RETURNING id",
            [body["activity"], body["child"], user_id],
        )
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id, "status": "ok"}, status=201)
