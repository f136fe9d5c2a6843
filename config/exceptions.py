"""How the API answers an error, for every app: JSON with a `detail` message, the field at
fault for bad input, and a `code` for a refusal."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.refusals import Refusal


def exception_handler(exc, context):
    """DRF's handler, plus any `core.refusals.Refusal` as its status with `{"detail", "code"}`
    (and its headers), and Django's ValidationError (from services and model validation) as a
    400 that names the field."""
    if isinstance(exc, Refusal):
        set_rollback()
        return Response(exc.body(), status=exc.status, headers=exc.headers)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, Http404 | exceptions.NotFound):
        detail = exc.detail if hasattr(exc, "detail") else exceptions.NotFound.default_detail
        response.data = {"detail": str(detail)}
    if isinstance(exc, exceptions.PermissionDenied) and exc.get_codes() == "mfa_required":
        response.data["code"] = "mfa_required"
    if isinstance(response.data, list):
        response.data = {"detail": response.data}
    return response
