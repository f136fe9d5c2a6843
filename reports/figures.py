"""The steering figures as people read them: protected tables (reports.tables), the headline
figures taken from their totals, and the charts drawn from them.

Every figure on a page, in a chart, an export or the API comes out of `protect`, so the
privacy rule holds everywhere alike. A headline figure is the total row of a table, never a
separate count, so it cannot be set against the table to work a hidden cell out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from scheduler.models import Offer
from scheduler.reasons_text import reason_text

from . import facts as f
from .filters import Scope
from .tables import (
    Cell,
    Column,
    Kind,
    Median,
    ProtectedTable,
    Row,
    Share,
    Table,
    protect,
)

# A chart of schools shows at most this many (the most places first); the table has them all.
CHART_SCHOOLS = 30

OFFER = [
    Column("activities", _("Activities")),
    Column("places", _("Places")),
    Column("taken", _("Places taken")),
    Column("fill_rate", _("Fill rate"), Kind.PERCENT, part_of="taken"),
    Column("waiting", _("On a waiting list")),
    Column("wait_days", _("Days waited for a place (median)"), Kind.DAYS),
]
REACH = [
    Column("reached", _("Children reached")),
    Column("pupils", _("Pupils (where known)")),
    Column("reached_share", _("Share of pupils reached"), Kind.PERCENT, part_of="reached"),
    Column("attendance", _("Attendance"), Kind.PERCENT),
    Column("dropouts", _("Left after the first session")),
    Column("dropout_rate", _("Drop-out"), Kind.PERCENT, part_of="dropouts"),
]
LOTTERY = [
    Column("applicants", _("Children who applied")),
    Column("drawn", _("Children given a place")),
    Column("drawn_share", _("Share given a place"), Kind.PERCENT, part_of="drawn"),
    Column("first_choice", _("First choice granted")),
    Column("first_choice_share", _("Share with their first choice"), Kind.PERCENT, "first_choice"),
]
VISITS = [
    Column("requested", _("Visits requested")),
    Column("served", _("Served")),
    Column("open", _("Still open")),
    Column("confirm_days", _("Days from request to confirmed visit (median)"), Kind.DAYS),
    Column("visits", _("Visits in the period")),
    Column("classes", _("Classes reached")),
    Column("vr_sessions", _("VR sessions given")),
]
NATIONAL_ACTIVITIES = [*OFFER[:4], REACH[0], REACH[2], REACH[3]]
NATIONAL_VISITS = [*VISITS, Column("heroes", _("Heroes who visited a school"))]
WEEKS = [
    Column("placed", _("Places given")),
    Column("present", _("Present at sessions")),
    Column("attendance", _("Attendance"), Kind.PERCENT, part_of="present"),
    Column("requested", _("Visits requested")),
    Column("visits", _("Visits")),
]
COUNT = [Column("n", _("Number"))]
KITS = [
    Column("sessions", _("VR sessions")),
    Column("hours", _("Hours in use"), Kind.HOURS, part_of="sessions"),
]


def offer_values(facts: f.Facts) -> dict:
    return {
        "activities": facts.activities,
        "places": facts.places,
        "taken": facts.taken,
        "fill_rate": Share(facts.taken, facts.places),
        "waiting": facts.waiting,
        "wait_days": Median(f.median(facts.wait_days), len(facts.wait_days)),
    }


def reach_values(facts: f.Facts) -> dict:
    return {
        "reached": len(facts.reached),
        "pupils": facts.pupils,
        "reached_share": Share(len(facts.pupils_reached), facts.pupils) if facts.pupils else None,
        "attendance": Share(facts.present, facts.recorded),
        "dropouts": facts.dropouts,
        "dropout_rate": Share(facts.dropouts, facts.placed),
    }


def lottery_values(facts: f.Facts) -> dict:
    applied = len(facts.applicants)
    return {
        "applicants": applied,
        "drawn": len(facts.drawn_places),
        "drawn_share": Share(len(facts.drawn_places), applied),
        "first_choice": len(facts.first_choices),
        "first_choice_share": Share(len(facts.first_choices), applied),
    }


def visit_values(facts: f.Facts) -> dict:
    return {
        "requested": facts.requested,
        "served": facts.served,
        "open": facts.open,
        "confirm_days": Median(f.median(facts.confirm_days), len(facts.confirm_days)),
        "visits": facts.visits,
        "classes": len(facts.classes),
        "vr_sessions": facts.vr_sessions,
        "heroes": len(facts.heroes),
    }


def national_activity_values(facts: f.Facts) -> dict:
    return {**offer_values(facts), **reach_values(facts)}


@dataclass(frozen=True)
class Figure:
    label: str
    cell: Cell
    link: str = ""


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    spec: dict
    table: ProtectedTable | None = None
    note: str = ""


@dataclass
class Dashboard:
    scope: Scope
    tables: dict[str, ProtectedTable]
    charts: dict[str, Chart] = field(default_factory=dict)
    activity_figures: list[Figure] = field(default_factory=list)
    visit_figures: list[Figure] = field(default_factory=list)
    computed_at: dt.datetime | None = None  # when kept in the cache (reports.cached)
    recounting: bool = False  # kept ones shown while a worker counts them again


class Links:
    """Where a figure leads: the list behind it, for viewers who may see that list
    (coordinators); nothing for the programme team, who see aggregates only."""

    def __init__(self, scope: Scope, *, enabled: bool):
        self.scope, self.enabled = scope, enabled

    def _to(self, name: str, args=(), **query) -> str:
        if not self.enabled:
            return ""
        url = reverse(name, args=args)
        query = {key: value for key, value in query.items() if value not in (None, "")}
        return f"{url}?{urlencode(query)}" if query else url

    def neighbourhood(self, pk: int) -> str:
        return self._to("reports:dashboard", **query_of(self.scope.with_neighbourhood(pk)))

    def school(self, pk: int) -> str:
        return self._to("reports:school", args=[pk], **period_query(self.scope))

    def activities(self) -> str:
        return self._to("activities:staff_list", school=self.scope.school_id)

    def requests(self, status: str = "") -> str:
        return self._to("scheduler:request-list", status=status)

    def vogs(self) -> str:
        return self._to("heroes:hero_list", vog="soon")

    def kits(self) -> str:
        return self._to("scheduler:kit-list")

    def board(self) -> str:
        return self._to("scheduler:board")


def period_query(scope: Scope) -> dict:
    period = scope.period
    if period.key == "custom":
        return {"start": period.start.isoformat(), "end": period.end.isoformat()}
    return {"period": period.key}


def query_of(scope: Scope) -> dict:
    """The filters of a scope as query parameters (the filter form reads them back)."""
    return {
        "municipality": scope.municipality_ids[0] if len(scope.municipality_ids) == 1 else None,
        **period_query(scope),
        "neighbourhood": scope.neighbourhood_id,
        "school": scope.school_id,
        "level": scope.level,
        "target": "on" if scope.target_only else None,
    }


def _table(
    key: str,
    title,
    heading,
    columns: list[Column],
    groups: dict,
    values: Callable[[f.Facts], dict],
    *,
    label: Callable[[object], str],
    link: Callable[[object], str] = lambda key: "",
    group: Callable[[object], str] = lambda key: "",
    whole: f.Facts | None = None,
    parent: ProtectedTable | None = None,
    note="",
) -> ProtectedTable:
    rows = [
        Row(str(key), label(key), values(facts), link(key), group(key))
        for key, facts in groups.items()
    ]
    total = Row("total", str(_("Total")), values(whole)) if whole is not None else None
    table = Table(key, str(title), str(heading), columns, rows, total, str(note))
    return protect(table, parent)


def municipality_dashboard(
    scope: Scope, *, today: dt.date, now: dt.datetime, links: bool
) -> Dashboard:
    """A coordinator's (or the programme team's) dashboard of one municipality: nineteen
    queries, whatever its size."""
    schools = f.school_infos(scope)
    facts = f.school_facts(scope, schools, now)
    link = Links(scope, enabled=links)
    hoods = f.rollup(facts, schools, lambda school: school.neighbourhood_id)
    hood_names = {school.neighbourhood_id: school.neighbourhood for school in schools.values()}
    whole = f.total(facts.values())
    by_hood = {
        "label": lambda pk: hood_names[pk],
        "link": link.neighbourhood,
        "whole": whole,
    }
    by_school = {
        "label": lambda pk: schools[pk].name,
        "link": link.school,
        "group": lambda pk: str(schools[pk].neighbourhood_id),
        "whole": whole,
    }
    hood, school = _("Neighbourhood"), _("School")
    tables: dict[str, ProtectedTable] = {}
    tables["offer"] = _table(
        "offer", _("Activities and places"), hood, OFFER, hoods, offer_values, **by_hood
    )
    tables["offer_schools"] = _table(
        "offer_schools",
        _("Activities and places per school"),
        school,
        OFFER,
        facts,
        offer_values,
        parent=tables["offer"],
        **by_school,
    )
    tables["reach"] = _table(
        "reach", _("Children reached"), hood, REACH, hoods, reach_values, **by_hood
    )
    tables["reach_schools"] = _table(
        "reach_schools",
        _("Children reached per school"),
        school,
        REACH,
        facts,
        reach_values,
        parent=tables["reach"],
        **by_school,
    )
    drawn = {pk: one for pk, one in facts.items() if one.applicants}
    tables["lottery"] = _table(
        "lottery",
        _("Lotteries drawn"),
        school,
        LOTTERY,
        drawn,
        lottery_values,
        label=lambda pk: schools[pk].name,
        whole=f.total(drawn.values()),
    )
    tables["visits"] = _table(
        "visits", _("Local Hero and VR visits"), hood, VISITS, hoods, visit_values, **by_hood
    )
    tables["visits_schools"] = _table(
        "visits_schools",
        _("Local Hero and VR visits per school"),
        school,
        VISITS,
        facts,
        visit_values,
        parent=tables["visits"],
        **by_school,
    )
    tables.update(_side_tables(scope, schools, facts, whole, today, link))
    tables["weeks"] = _weeks_table(scope, schools, whole.marks_by_week)
    dashboard = Dashboard(scope, tables)
    dashboard.charts = _charts(tables)
    dashboard.activity_figures = [
        Figure(_("Activities offered"), tables["offer"].cell("activities"), link.activities()),
        Figure(_("Places"), tables["offer"].cell("places")),
        Figure(_("Fill rate"), tables["offer"].cell("fill_rate")),
        Figure(_("Children reached"), tables["reach"].cell("reached")),
        Figure(_("Share of pupils reached"), tables["reach"].cell("reached_share")),
        Figure(_("Attendance"), tables["reach"].cell("attendance")),
        Figure(_("On a waiting list"), tables["offer"].cell("waiting"), link.activities()),
        Figure(_("Left after the first session"), tables["reach"].cell("dropouts")),
    ]
    dashboard.visit_figures = [
        Figure(_("Visits requested"), tables["visits"].cell("requested"), link.requests()),
        Figure(_("Served"), tables["visits"].cell("served")),
        Figure(_("Still open"), tables["visits"].cell("open"), link.requests("open")),
        Figure(_("Classes reached"), tables["visits"].cell("classes")),
        Figure(_("VR sessions given"), tables["visits"].cell("vr_sessions"), link.kits()),
        Figure(_("Heroes who visited a school"), tables["heroes"].cell("n", "active")),
        Figure(_("VOGs ending within 60 days"), tables["heroes"].cell("n", "vog"), link.vogs()),
    ]
    return dashboard


def _side_tables(scope, schools, facts, whole, today, link) -> dict[str, ProtectedTable]:
    reasons = f.open_reasons(scope, schools)
    declined = f.declines(scope, schools)
    kits = f.kit_use(scope, schools)
    heroes = Table(
        "heroes",
        str(_("Local Heroes")),
        str(_("Figure")),
        COUNT,
        [
            Row("active", str(_("Heroes who visited a school")), {"n": len(whole.heroes)}),
            Row(
                "vog",
                str(_("VOGs ending within 60 days")),
                {"n": f.vogs_ending_soon(scope, today)},
                link.vogs(),
            ),
        ],
    )
    return {
        "open_reasons": _table(
            "open_reasons",
            _("Why requests are still open"),
            _("Reason"),
            COUNT,
            {code: {"n": n} for code, n in sorted(reasons.items(), key=lambda kv: -kv[1])},
            lambda values: values,
            label=lambda code: reason_text(code) or str(_("Not matched yet")),
            link=lambda code: link.requests("open"),
            whole={"n": sum(reasons.values())},
        ),
        "declines": _table(
            "declines",
            _("Why heroes declined an offer"),
            _("Reason"),
            COUNT,
            {code: {"n": n} for code, n in sorted(declined.items(), key=lambda kv: -kv[1])},
            lambda values: values,
            label=lambda code: str(Offer.DeclineCode.label_for(code)),
            link=lambda code: link.board(),
            whole={"n": sum(declined.values())},
        ),
        "kits": protect(
            Table(
                "kits",
                str(_("VR kit use")),
                str(_("VR kit")),
                KITS,
                [
                    Row(str(kit.pk), kit.name, {"sessions": kit.sessions, "hours": kit.hours})
                    for kit in kits
                ],
                Row(
                    "total",
                    str(_("Total")),
                    {
                        "sessions": sum(kit.sessions for kit in kits),
                        "hours": round(sum(kit.hours for kit in kits), 1),
                    },
                ),
            )
        ),
        "heroes": protect(heroes),
    }


def _weeks_table(scope: Scope, schools, marks) -> ProtectedTable:
    weeks = f.weeks(scope, schools, marks)

    def values(week: f.Week) -> dict:
        return {
            "placed": week.placed,
            "present": week.present,
            "attendance": Share(week.present, week.recorded),
            "requested": week.requested,
            "visits": week.visits,
        }

    whole = f.Week()
    for week in weeks.values():
        for name, value in vars(week).items():
            setattr(whole, name, getattr(whole, name) + value)
    rows = [
        Row(monday.isoformat(), week_label(monday), values(week)) for monday, week in weeks.items()
    ]
    table = Table(
        "weeks",
        str(_("Week by week")),
        str(_("Week")),
        WEEKS,
        rows,
        Row("total", str(_("Total")), values(whole)),
    )
    return protect(table)


def week_label(monday: dt.date) -> str:
    return str(_("Week of %(day)s") % {"day": date_format(monday, "j M Y")})


def bar(table: ProtectedTable, columns: list[str], *, rows=None, horizontal=False) -> dict:
    rows = table.rows if rows is None else rows
    kinds = {table.column(key).kind for key in columns}
    return {
        "type": "bar",
        "horizontal": horizontal,
        "unit": kinds.pop().value if len(kinds) == 1 else "count",
        "labels": [row.label for row in rows],
        "datasets": [
            {"label": str(table.column(key).label), "data": [row.cells[key].value for row in rows]}
            for key in columns
        ],
        "suppressed": str(_("not shown")),
        "stacked": False,
    }


def line(table: ProtectedTable, columns: list[str]) -> dict:
    return {**bar(table, columns), "type": "line"}


def _charts(tables: dict[str, ProtectedTable]) -> dict[str, Chart]:
    schools = tables["offer_schools"]
    biggest = sorted(schools.rows, key=lambda row: -(row.cells["places"].value or 0))
    shown = [row for row in schools.rows if row in biggest[:CHART_SCHOOLS]]
    note = ""
    if len(schools.rows) > CHART_SCHOOLS:
        note = _(
            "The chart shows the %(n)s schools with the most places; the table has them all. "
            "Choose a neighbourhood to see its schools."
        ) % {"n": CHART_SCHOOLS}
    charts = [
        Chart(
            "offer", _("Places and places taken per neighbourhood"),
            bar(tables["offer"], ["places", "taken"]), tables["offer"],
        ),
        Chart(
            "fill", _("Fill rate per school"),
            bar(schools, ["fill_rate"], rows=shown, horizontal=True), schools, note,
        ),
        Chart(
            "reach", _("Children reached per neighbourhood"),
            bar(tables["reach"], ["reached"]), tables["reach"],
        ),
        Chart(
            "visits", _("Visits requested and served per neighbourhood"),
            bar(tables["visits"], ["requested", "served"]), tables["visits"],
        ),
        Chart(
            "open_reasons", _("Why requests are still open"),
            bar(tables["open_reasons"], ["n"], horizontal=True), tables["open_reasons"],
        ),
        Chart(
            "weeks", _("Places given and visits, week by week"),
            line(tables["weeks"], ["placed", "visits"]), tables["weeks"],
        ),
        Chart(
            "attendance", _("Attendance, week by week"),
            line(tables["weeks"], ["attendance"]), None,
            _("The figures are in the table of the chart above."),
        ),
    ]  # fmt: skip
    return {chart.key: chart for chart in charts}


SCHOOL_ACTIVITIES = [
    Column("places", _("Places")),
    Column("taken", _("Places taken")),
    Column("fill_rate", _("Fill rate"), Kind.PERCENT, part_of="taken"),
    Column("waiting", _("On a waiting list")),
    Column("attendance", _("Attendance"), Kind.PERCENT),
]


SCHOOL_SUMS = ("places", "taken", "waiting", "present", "recorded")


def school_dashboard(scope: Scope, school_id: int, *, links: bool) -> Dashboard:
    """One school's activities with their places and attendance: one query."""
    activities = f.activity_facts(scope, school_id)

    def values(one) -> dict:
        return {
            "places": one.places,
            "taken": one.taken,
            "fill_rate": Share(one.taken, one.places),
            "waiting": one.waiting,
            "attendance": Share(one.present, one.recorded),
        }

    whole = f.ActivityFacts(
        0,
        "",
        *(sum(getattr(one, name) for one in activities) for name in SCHOOL_SUMS),
    )
    rows = [
        Row(
            str(one.pk),
            one.title,
            values(one),
            reverse("activities:staff_detail", args=[one.pk]) if links else "",
        )
        for one in activities
    ]
    table = Table(
        "activities",
        str(_("Activities")),
        str(_("Activity")),
        SCHOOL_ACTIVITIES,
        rows,
        Row("total", str(_("Total")), values(whole)),
    )
    tables = {"activities": protect(table)}
    dashboard = Dashboard(scope, tables)
    dashboard.charts = {
        "fill": Chart(
            "fill",
            _("Fill rate per activity"),
            bar(tables["activities"], ["fill_rate"], horizontal=True),
            tables["activities"],
        )
    }
    return dashboard


def national_dashboard(scope: Scope, *, now: dt.datetime) -> Dashboard:
    """Every municipality side by side: aggregates only, no links to any list."""
    schools = f.school_infos(scope)
    facts = f.school_facts(scope, schools, now)
    places = f.rollup(facts, schools, lambda school: school.municipality_id)
    names = {school.municipality_id: school.municipality for school in schools.values()}
    ordered = {pk: places[pk] for pk in sorted(places, key=lambda pk: names[pk])}
    whole = f.total(facts.values())
    common = {"label": lambda pk: names[pk], "whole": whole}
    municipality = _("Municipality")
    tables = {
        "activities": _table(
            "activities",
            _("After-school activities per municipality"),
            municipality,
            NATIONAL_ACTIVITIES,
            ordered,
            national_activity_values,
            **common,
        ),
        "visits": _table(
            "visits",
            _("Local Hero and VR visits per municipality"),
            municipality,
            NATIONAL_VISITS,
            ordered,
            visit_values,
            **common,
        ),
    }
    dashboard = Dashboard(scope, tables)
    dashboard.charts = {
        "reach": Chart(
            "reach",
            _("Children reached per municipality"),
            bar(tables["activities"], ["reached"]),
            tables["activities"],
        ),
        "visits": Chart(
            "visits",
            _("Visits requested and served per municipality"),
            bar(tables["visits"], ["requested", "served"]),
            tables["visits"],
        ),
    }
    return dashboard
