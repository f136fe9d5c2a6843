"""Read-only API for the steering figures: the same protected tables as the pages, scoped
alike (a coordinator their municipality, staff their school, the programme team every
municipality), hidden figures as `{"value": null, "suppressed": true}`."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ApiSchema, bad_input

from . import figures, selectors
from .filters import FilterForm, NationalFilterForm, PeriodForm
from .tables import KIND_CHOICES, ProtectedRow, ProtectedTable


class CellSerializer(serializers.Serializer):
    value = serializers.FloatField(
        allow_null=True,
        help_text="Null when hidden (suppressed) or when there is nothing to count.",
    )
    suppressed = serializers.BooleanField(
        help_text="True for a figure hidden to protect privacy: a count from 1 to 4, a "
        "percentage of fewer than 5 children, or a figure that would let one be worked out."
    )


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=KIND_CHOICES)


class RowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    cells = serializers.DictField(child=CellSerializer())


class TableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    heading = serializers.CharField()
    columns = ColumnSerializer(many=True)
    rows = RowSerializer(many=True)
    total = RowSerializer(allow_null=True)


class FigureSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField()


class PeriodSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()


class ReportSerializer(serializers.Serializer):
    period = PeriodSerializer()
    figures = serializers.DictField(child=FigureSerializer(many=True))
    tables = serializers.DictField(child=TableSerializer())


def _row(row: ProtectedRow | None) -> dict | None:
    if row is None:
        return None
    return {
        "key": row.key,
        "label": str(row.label),
        "cells": {key: cell.as_json() for key, cell in row.cells.items()},
    }


def _table(table: ProtectedTable) -> dict:
    return {
        "key": table.key,
        "title": str(table.title),
        "heading": str(table.heading),
        "columns": [
            {"key": column.key, "label": str(column.label), "kind": column.kind.value}
            for column in table.columns
        ],
        "rows": [_row(row) for row in table.rows],
        "total": _row(table.total),
    }


def report_json(dashboard: figures.Dashboard) -> dict:
    period = dashboard.scope.period
    groups = {"activities": dashboard.activity_figures, "visits": dashboard.visit_figures}
    return {
        "period": {
            "key": period.key,
            "label": str(period.label),
            "start": period.start,
            "end": period.end,
        },
        "figures": {
            name: [{"label": str(figure.label), **figure.cell.as_json()} for figure in found]
            for name, found in groups.items()
            if found
        },
        "tables": {key: _table(table) for key, table in dashboard.tables.items()},
    }


def _checked(form):
    """Filters the API was given must be right: a 400 naming the field, not a default."""
    if form.is_bound and not form.is_valid():
        raise exceptions.ValidationError(
            {
                "non_field_errors" if name == "__all__" else name: list(messages)
                for name, messages in form.errors.items()
            }
        )
    return form


def _answer(dashboard: figures.Dashboard) -> Response:
    return Response(ReportSerializer(report_json(dashboard)).data)


PERIOD_PARAMETERS = [
    OpenApiParameter("period", str, description="A school year (2026-2027) or half (2026-2027-1)."),
    OpenApiParameter("start", OpenApiTypes.DATE, description="Own period: first day (with end)."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Own period: last day (with start)."),
]
SCHOOL_PARAMETERS = [
    OpenApiParameter("level", str, enum=["po", "vo"], description="Primary or secondary only."),
    OpenApiParameter("target", bool, description="Target neighbourhoods only."),
]
BAD = {200: ReportSerializer, 400: bad_input("A filter is wrong; the body names it.")}


class OneReport(ApiSchema):
    """A figures address answers one report, not a list."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class MunicipalityReportView(APIView):
    schema = OneReport()

    @extend_schema(
        summary="A municipality's steering figures (coordinators; the programme team)",
        parameters=[
            OpenApiParameter("municipality", int, description="Default: the first one's."),
            *PERIOD_PARAMETERS,
            OpenApiParameter("neighbourhood", int),
            OpenApiParameter("school", int),
            *SCHOOL_PARAMETERS,
        ],
        responses=BAD,
    )
    def get(self, request):
        roles = request.roles
        if not (roles.is_coordinator or roles.is_programme):
            raise exceptions.PermissionDenied
        today = timezone.localdate()
        form = _checked(
            FilterForm(
                request.query_params or None,
                municipalities=selectors.municipalities_for(roles),
                today=today,
            )
        )
        dashboard = figures.municipality_dashboard(
            form.scope(), today=today, now=timezone.now(), links=False
        )
        return _answer(dashboard)


class SchoolReportView(APIView):
    schema = OneReport()

    @extend_schema(
        summary="A school's activities with their places and attendance (its staff; coordinators)",
        parameters=PERIOD_PARAMETERS,
        responses=BAD,
    )
    def get(self, request, pk: int):
        roles = request.roles
        if not (roles.is_coordinator or roles.is_staff):
            raise exceptions.PermissionDenied
        try:
            school = selectors.school_for(roles, pk)
        except Http404 as missing:
            raise exceptions.NotFound from missing
        form = _checked(PeriodForm(request.query_params or None, today=timezone.localdate()))
        return _answer(figures.school_dashboard(form.scope(school), school.pk, links=False))


class NationalReportView(APIView):
    schema = OneReport()

    @extend_schema(
        summary="Every municipality side by side (the programme team): aggregates only",
        parameters=[*PERIOD_PARAMETERS, *SCHOOL_PARAMETERS],
        responses=BAD,
    )
    def get(self, request):
        if not request.roles.is_programme:
            raise exceptions.PermissionDenied
        form = _checked(
            NationalFilterForm(request.query_params or None, today=timezone.localdate())
        )
        return _answer(figures.national_dashboard(form.scope(), now=timezone.now()))


# Not collections: each address answers one report (config/api_urls.py lists them).
urlpatterns = [
    path("reports/municipality/", MunicipalityReportView.as_view(), name="report-municipality"),
    path("reports/schools/<int:pk>/", SchoolReportView.as_view(), name="report-school"),
    path("reports/national/", NationalReportView.as_view(), name="report-national"),
]
