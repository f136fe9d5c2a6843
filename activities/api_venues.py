"""API of a venue's week at a glance, for school staff and coordinators of the venue's
municipality (anyone else: 404). The same rows as the page (activities.venues.venue_week)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ModelSerializer, bad_input
from schools.api import SchoolRefSerializer, VenueRefSerializer

from . import venues
from .models import Activity


class WeekQuerySerializer(serializers.Serializer):
    week = serializers.CharField(
        required=False, help_text=_("An ISO week like 2026-W49; this week when left out.")
    )

    def validate_week(self, value: str) -> dt.date:
        monday = venues.parse_week(value)
        if monday is None:
            raise serializers.ValidationError(_("Give the week as year-W-number, like 2026-W49."))
        return monday


class CalendarActivitySerializer(ModelSerializer):
    class Meta:
        model = Activity
        fields = ["id", "title", "status"]


class CalendarSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    activity = CalendarActivitySerializer()
    school = SchoolRefSerializer(source="activity.school")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    cancelled = serializers.BooleanField(source="is_cancelled")
    cancel_reason = serializers.CharField()


class CalendarDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    sessions = CalendarSessionSerializer(many=True)


class VenueWeekSerializer(serializers.Serializer):
    venue = VenueRefSerializer()
    week = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    previous = serializers.CharField()
    next = serializers.CharField()
    days = CalendarDaySerializer(many=True)


class VenueCalendarViewSet(viewsets.GenericViewSet):
    """Only the calendar action: the venue itself is schools' `venues` resource."""

    serializer_class = VenueWeekSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return venues.venues_for_manager(self.request.roles)

    @extend_schema(
        summary="A venue's week at a glance: every session Monday to Sunday (staff, coordinators)",
        description="Cancelled sessions are in it with `cancelled` true; drafts too (their "
        "activity's `status`), so a clash shows before it is published.",
        parameters=[OpenApiParameter("week", str, description="An ISO week like 2026-W49.")],
        responses={200: VenueWeekSerializer, 400: bad_input("Not a week.")},
    )
    @action(detail=True, methods=["get"], url_path="calendar", url_name="week")
    def calendar(self, request, pk=None):
        venue = venues.get_venue_for_manager(request.roles, pk)
        query = WeekQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        monday = query.validated_data.get("week") or venues.monday_of(timezone.localdate())
        week = {
            "venue": venue,
            "week": venues.week_label(monday),
            "starts_on": monday,
            "ends_on": monday + dt.timedelta(days=6),
            "previous": venues.week_label(monday - dt.timedelta(days=7)),
            "next": venues.week_label(monday + dt.timedelta(days=7)),
            "days": [
                {"date": day, "sessions": sessions}
                for day, sessions in venues.venue_week(venue, monday)
            ],
        }
        return Response(VenueWeekSerializer(week).data)


def register(router) -> None:
    router.register("venues", VenueCalendarViewSet, basename="venue-calendar")
