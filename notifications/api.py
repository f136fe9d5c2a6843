"""API for a person's own calendar feed address: read it, get a new one, or stop it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from .calendar import feed_token_active, feed_token_regenerate, feed_token_revoke, feed_url


class CalendarFeedSerializer(serializers.Serializer):
    url = serializers.URLField(
        allow_null=True,
        help_text=_("The secret address of your calendar feed (.ics); null when you have none."),
    )
    created_at = serializers.DateTimeField(allow_null=True)


def _body(token) -> dict:
    if token is None:
        return {"url": None, "created_at": None}
    return {"url": feed_url(token), "created_at": token.created_at}


class CalendarFeedView(APIView):
    """`GET` your feed address, `POST` for a new one (the old one stops working at once),
    `DELETE` to stop the feed. Anyone who has the address can read the feed: keep it private."""

    @extend_schema(responses=CalendarFeedSerializer, summary="Your calendar feed address")
    def get(self, request):
        return Response(CalendarFeedSerializer(_body(feed_token_active(request.user))).data)

    @extend_schema(
        request=None, responses={201: CalendarFeedSerializer}, summary="A new feed address"
    )
    def post(self, request):
        token = feed_token_regenerate(request.user)
        return Response(CalendarFeedSerializer(_body(token)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None}, summary="Stop the calendar feed")
    def delete(self, request):
        feed_token_revoke(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
