"""How the scheduling API answers a refusal from scheduler.errors: the error's status and
`{"detail", "code"}` (plus `warnings` for a manual assignment that breaks rules)."""

from __future__ import annotations

from contextlib import contextmanager

from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions

from activities.api import ErrorSerializer

from . import errors


class Refused(exceptions.APIException):
    def __init__(self, err: errors.SchedulingError):
        self.status_code = err.status
        body = {"detail": str(err.message), "code": err.code}
        if isinstance(err, errors.RuleWarnings):
            body["warnings"] = list(err.warnings)
        super().__init__(detail=body, code=err.code)


@contextmanager
def refusals():
    try:
        yield
    except errors.SchedulingError as err:
        raise Refused(err) from err


def refused(description: str, serializer=ErrorSerializer) -> OpenApiResponse:
    """A refusal in the OpenAPI schema."""
    return OpenApiResponse(serializer, description=description)
