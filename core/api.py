"""API pieces every app uses: the bodies of errors in the OpenAPI schema, and the schema class
that documents the errors every operation may answer."""

from __future__ import annotations

import copy
from collections.abc import Callable

from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.drainage import has_override
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import append_meta
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, serializers

from . import once
from .refusals import IdempotencyKeyReused


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer, with its fields worked out from the model once per class.

    DRF works them out again for every serializer it makes: for an enrolment with its child and
    activity, three times per answer (0.43 ms of CPU to serialize one; 0.19 ms with the fields
    built once, on the enrolment rush's path: docs/benchmarks.md). None of the app's
    serializers choose their fields by request (one that narrows a field's choices does so on
    its own copies, in `__init__`), so the fields are built the first time and every serializer
    gets its own copies, as DRF gives each its declared fields.
    """

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built")  # a subclass builds its own
        if built is None:
            built = super().get_fields()
            cls._fields_built = built
        return copy.deepcopy(built)


class ErrorSerializer(serializers.Serializer):
    """The body of an error (schema only): what went wrong, and for a refusal its code."""

    detail = serializers.CharField()
    code = serializers.CharField(
        required=False,
        help_text=_("For a refusal, what kind it is, for programs (such as `mfa_required`)."),
    )


# A 400 names each field at fault with its messages (`detail` when it is the request as a whole,
# nested for nested input); a refusal answered with 400 has `detail` and `code`.
BAD_INPUT_SCHEMA = {
    "type": "object",
    "description": "The fields at fault, each with its messages; or `detail` (and `code`).",
    "additionalProperties": True,
}

# A wall-clock time without an offset, as DRF writes and reads it ("14:00:00"). OpenAPI's
# `format: time` is RFC 3339's full-time, which needs an offset these times never have.
LOCAL_TIME_SCHEMA = {
    "type": "string",
    "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
    "example": "14:00:00",
}


def refused(description: str, serializer=ErrorSerializer) -> OpenApiResponse:
    """A refusal in the OpenAPI schema."""
    return OpenApiResponse(serializer, description=description)


def bad_input(description: str = "Bad input; the body names the field.") -> OpenApiResponse:
    """A 400 in the OpenAPI schema: the body names the fields at fault."""
    return OpenApiResponse(BAD_INPUT_SCHEMA, description=description)


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A key of your choosing (a UUID, or 1 to 255 printable ASCII characters), new for each "
        "new object. Sent again with the same body (a retry after a time-out), the answer is the "
        "object the first call made (200), never a second one; with another body it is a 422 "
        "(`idempotency_key_reused`). Keys are yours alone: another person's key finds nothing."
    ),
)


def idempotency_key(request):
    """The person's submission key for the request's Idempotency-Key header (core.once), or None
    without one; a malformed key is a 400 naming the header."""
    raw = request.headers.get("Idempotency-Key")
    if raw is None:
        return None
    if not once.valid_key(raw):
        raise exceptions.ValidationError(
            {"Idempotency-Key": [_("Use 1 to 255 printable ASCII characters, such as a UUID.")]}
        )
    return once.submission_key(request.user, raw)


def earlier_create(queryset, key, same: Callable[[Model], bool]) -> Model | None:
    """The object an API create with this submission key made before (None when none, or no
    key), found in `queryset` (the person's own); IdempotencyKeyReused when `same` says the
    body asks for something else than that object was made from."""
    if key is None:
        return None
    first = queryset.filter(submission_key=key).first()
    if first is not None and not same(first):
        raise IdempotencyKeyReused
    return first


def same_fields(obj: Model, data: dict) -> bool:
    """Whether `obj` holds every value of `data` (a serializer's validated data)."""
    return all(getattr(obj, name) == value for name, value in data.items())


class ApiSchema(AutoSchema):
    """drf-spectacular's schema, plus the errors any operation may answer, so that a client
    knows every status it can get: 403 always (not signed in, no second factor yet, not for
    one's role), 404 when the operation names an object (an id in the address) or pages a list
    (a page that does not exist), 400 when it takes input (a body, or filters), 415 when it
    takes a body (of a type it cannot read). An operation's own declaration of a status wins.
    Times are local wall-clock times (LOCAL_TIME_SCHEMA)."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in self._usual_errors().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses

    def _usual_errors(self) -> dict[str, OpenApiResponse]:
        errors = {"403": refused("Not signed in, no second factor yet, or not for your role.")}
        if "{" in self.path or (self._is_list_view() and self._get_paginator()):
            errors["404"] = refused("No such object of yours, or no such page.")
        takes_body = self.method in ("POST", "PUT", "PATCH") and self._get_request_body()
        filters = [p for p in self._get_filter_parameters() if p["name"] != "search"]
        if takes_body or filters:
            errors["400"] = bad_input()
        if takes_body:
            errors["415"] = refused("The body is not JSON, a form or multipart, or is malformed.")
        return errors

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if isinstance(field, serializers.TimeField) and not has_override(field, "field"):
            meta = self._get_serializer_field_meta(field, direction)
            return append_meta(dict(LOCAL_TIME_SCHEMA), meta)
        return super()._map_serializer_field(field, direction, bypass_extensions)
