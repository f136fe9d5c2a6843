"""API conventions shared by every app: JSON errors that name the field."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler, plus Django's ValidationError (from services and model validation) as a
    400 that names the field, and a `detail` message on every error body."""
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
