"""Every refusal is answered in one place: the API exception handler gives its status, code,
message and headers; a page that lets one through shows it on a plain page, never a 500."""

from __future__ import annotations

from typing import ClassVar

import pytest
from django.http import HttpResponse
from django.urls import include, path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from core.refusals import Busy, Refusal
from scheduler.errors import RuleWarnings


class Closed(Refusal):
    code = "closed"
    status = 409
    message = "The door is closed."
    headers: ClassVar[dict[str, str]] = {"X-Reason": "closed"}


@api_view(["POST"])
@permission_classes([AllowAny])
def api_refuses(request):
    raise Closed


@api_view(["POST"])
@permission_classes([AllowAny])
def api_warns(request):
    raise RuleWarnings(["The hero has no VOG on that day."])


def page_refuses(request):
    raise Closed


def page_fine(request):
    return HttpResponse("fine")


urlpatterns = [
    path("api/refuses/", api_refuses),
    path("api/warns/", api_warns),
    path("page/refuses/", page_refuses),
    path("page/fine/", page_fine),
    path("", include("config.urls")),
]


pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def test_the_api_answers_any_refusal_with_its_status_code_message_and_headers(client):
    response = client.post("/api/refuses/")

    assert response.status_code == 409
    assert response.json() == {"detail": "The door is closed.", "code": "closed"}
    assert response["X-Reason"] == "closed"


def test_a_refusal_with_more_to_say_adds_it_to_the_body(client):
    response = client.post("/api/warns/")

    assert response.status_code == 409
    assert response.json()["code"] == "breaks_rules"
    assert response.json()["warnings"] == ["The hero has no VOG on that day."]


def test_a_page_that_lets_a_refusal_through_shows_it_with_its_status(client):
    response = client.get("/page/refuses/")

    assert response.status_code == 409
    assert "The door is closed." in response.text
    assert response["X-Reason"] == "closed"
    assert client.get("/page/fine/").text == "fine"


def test_busy_asks_to_try_again_in_a_second():
    assert (Busy.status, Busy.code, Busy.headers) == (503, "busy", {"Retry-After": "1"})


def test_the_refusal_page_speaks_dutch_first(client):
    response = client.get("/page/refuses/", HTTP_ACCEPT_LANGUAGE="nl")

    assert "Dit is niet gelukt" in response.text
    assert "Er is niets veranderd." in response.text
