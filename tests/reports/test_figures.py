"""The dashboard's figures equal what a plain count of the rows gives, and only protected
figures leave the module."""

import pytest
from django.utils import timezone

from activities.models import Attendance, Enrolment
from reports import figures
from reports.filters import FilterForm
from reports.tables import NOT_APPLICABLE
from scheduler.models import SessionRequest, Visit
from schools.models import Group, Municipality

from .conftest import PERIOD


def _dashboard(town, **filters):
    form = FilterForm(
        {"municipality": town.municipality.pk, "period": PERIOD, **filters},
        municipalities=Municipality.objects.all(),
        today=timezone.localdate(),
    )
    assert form.is_valid(), form.errors
    return figures.municipality_dashboard(
        form.scope(), today=timezone.localdate(), now=timezone.now(), links=True
    )


def _value(table, column, row=None):
    return table.cell(column, row).value


@pytest.mark.django_db
def test_the_municipality_totals_equal_plain_counts(town):
    dashboard = _dashboard(town)
    offer, reach, visits = (dashboard.tables[k] for k in ("offer", "reach", "visits"))
    enrolments = Enrolment.objects.filter(activity__school__in=town.schools)
    marks = Attendance.objects.filter(enrolment__in=enrolments)

    assert _value(offer, "activities") == len(town.activities) == 6
    assert _value(offer, "places") == sum(a.capacity for a in town.activities)
    assert _value(offer, "taken") == enrolments.filter(status="confirmed").count() == 34
    assert _value(offer, "waiting") == enrolments.filter(status="waitlisted").count() == 16
    placed = enrolments.exclude(placed_at=None)
    assert _value(reach, "reached") == placed.values("child").distinct().count() == 36
    present = marks.filter(status="present").count()
    assert _value(reach, "attendance") == round(100 * present / marks.count(), 1)
    assert _value(reach, "pupils") == sum(
        Group.objects.filter(school__in=town.schools).values_list("pupils", flat=True)
    )
    requests = SessionRequest.objects.filter(school__in=town.schools)
    assert _value(visits, "requested") == requests.count() == 22
    assert _value(visits, "served") == requests.filter(status="confirmed").count() == 14
    assert _value(visits, "visits") == Visit.objects.filter(status="confirmed").count()
    assert _value(visits, "open") == requests.filter(status="open").count() == 8
    # Two drop-outs: hidden, and the headline figure with them.
    assert dashboard.tables["reach"].cell("dropouts").suppressed
    assert dashboard.tables["reach"].cell("dropouts").text == "< 5"


@pytest.mark.django_db
def test_neighbourhood_and_school_rows_add_up_to_the_same_totals(town):
    dashboard = _dashboard(town)
    target, other = town.hoods
    big, small, third = town.schools
    offer_schools = dashboard.tables["offer_schools"]

    assert _value(dashboard.tables["offer"], "taken", str(other.pk)) == 12
    assert _value(offer_schools, "taken", str(third.pk)) == 12
    assert _value(offer_schools, "taken", str(big.pk)) == 16
    assert _value(offer_schools, "taken", str(small.pk)) == 6
    assert _value(dashboard.tables["offer"], "taken", str(target.pk)) == 22
    # One activity of the small school: hidden; the next smallest school of the same
    # neighbourhood goes with it, or the neighbourhood's figure would give it away.
    assert offer_schools.cell("activities", str(small.pk)).text == "< 5"
    assert offer_schools.cell("activities", str(big.pk)).suppressed


@pytest.mark.django_db
def test_filters_narrow_to_a_neighbourhood_a_level_and_target_areas(town):
    target, other = town.hoods

    only_other = _dashboard(town, neighbourhood=other.pk)
    secondary = _dashboard(town, level="vo")
    targets = _dashboard(town, target="on")

    assert only_other.tables["offer"].cell("activities").text == "< 5"
    assert _value(only_other.tables["offer"], "taken") == 12
    assert list(only_other.tables["offer"].by_key) == [str(other.pk)]
    assert list(secondary.tables["offer_schools"].by_key) == [str(town.schools[1].pk)]
    assert list(targets.tables["offer"].by_key) == [str(target.pk)]


@pytest.mark.django_db
def test_no_figure_anywhere_shows_a_count_from_one_to_four(town):
    dashboard = _dashboard(town)
    for table in dashboard.tables.values():
        for row in table.all_rows:
            for column in table.columns:
                cell = row.cells[column.key]
                if column.kind == "count" and cell.value is not None:
                    assert not 0 < cell.value < 5, (table.key, row.label, column.key)
    for chart in dashboard.charts.values():
        for dataset in chart.spec["datasets"]:
            if chart.spec["unit"] == "count":
                assert all(v is None or not 0 < v < 5 for v in dataset["data"]), chart.key


@pytest.mark.django_db
def test_a_period_without_activity_counts_zero_and_not_applicable(town):
    dashboard = _dashboard(town, period="2025-2026")

    assert _value(dashboard.tables["offer"], "activities") == 0
    assert dashboard.tables["offer"].cell("fill_rate").text == NOT_APPLICABLE


@pytest.mark.django_db
def test_week_by_week_adds_up_to_the_period(town):
    weeks = _dashboard(town).tables["weeks"]

    # Every visit of the town is on Tuesday 10 November 2026: all in the week of the 9th.
    visits = {row.key: row.cells["visits"].value for row in weeks.rows}
    assert visits["2026-11-09"] == Visit.objects.count() == 14
    assert set(visits.values()) == {0, 14}
    assert _value(weeks, "visits") == 14
    assert len(weeks.rows) == 53
