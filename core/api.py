"""API pieces every app uses: the body of an error in the OpenAPI schema."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """The body of a refusal (schema only)."""

    detail = serializers.CharField()
    code = serializers.CharField()


def refused(description: str, serializer=ErrorSerializer) -> OpenApiResponse:
    """A refusal in the OpenAPI schema."""
    return OpenApiResponse(serializer, description=description)
