"""The steering pages: a municipality's dashboard, its council report, a school's dashboard and
the national view, each with its tables as CSV and XLSX."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.exports import CSV_TYPE, XLSX_TYPE, csv_text, download, xlsx_bytes
from core.views import programme_required, role_required

from . import cached, exports, figures, selectors, services
from .filters import FilterForm, NationalFilterForm, PeriodForm
from .forms import CouncilTextForm

# Who may read which figures (the lists behind them keep their own rules).
school_figures_required = role_required(lambda roles: roles.is_coordinator or roles.is_staff)


def _municipality_figures(request: HttpRequest, *, printed: bool = False):
    """The filter form and its figures. `printed` (the council report, a file): never figures
    out of date, which a page shows while a worker counts them again."""
    today = timezone.localdate()
    form = FilterForm(
        request.GET or None,
        municipalities=selectors.municipalities_for(request.roles),
        today=today,
    )
    scope = form.scope()
    if form.chosen is None:
        raise Http404
    dashboard = cached.municipality_dashboard(
        scope,
        today=today,
        now=timezone.now(),
        links=request.roles.is_coordinator,
        out_of_date=not (printed or _exporting(request)),
    )
    return form, dashboard


@role_required(lambda roles: roles.is_coordinator or roles.is_programme or roles.is_staff)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    roles = request.roles
    if not (roles.is_coordinator or roles.is_programme):
        # School staff have their school's figures.
        return redirect("reports:school", pk=min(roles.staff_of))
    form, dashboard = _municipality_figures(request)
    municipality = form.chosen
    if exported := _export(request, dashboard, prefix=municipality.slug):
        return exported
    context = {
        "form": form,
        "dashboard": dashboard,
        "municipality": municipality,
        "query": _query(request),
        "can_write_report": request.roles.is_coordinator,
        "figures_minutes": cached.FIGURES_CACHE_MINUTES,
    }
    return render(request, "reports/dashboard.html", context)


def _query(request: HttpRequest) -> str:
    """The page's filters, for its export links."""
    query = request.GET.copy()
    for name in ("format", "table"):
        query.pop(name, None)
    return query.urlencode()


def _exporting(request: HttpRequest) -> bool:
    return request.GET.get("format") in ("csv", "xlsx")


def _export(request: HttpRequest, dashboard: figures.Dashboard, *, prefix: str):
    """`?format=csv|xlsx&table=KEY`: one table as a file, or with table "all" every table as
    one workbook (always XLSX: a CSV holds one table); None when the page itself is asked
    for."""
    if not _exporting(request):
        return None
    fmt, key = request.GET["format"], request.GET.get("table", "all")
    period = dashboard.scope.period
    name = slugify(f"{prefix} {key} {period.start} {period.end}")
    if key == "all":
        sheets = [(table.title, exports.rows(table)) for table in dashboard.tables.values()]
        return download(xlsx_bytes(sheets), filename=f"{name}.xlsx", content_type=XLSX_TYPE)
    table = dashboard.tables.get(key)
    if table is None:
        raise Http404
    rows = exports.rows(table)
    if fmt == "csv":
        return download(
            csv_text(exports.localised(rows)), filename=f"{name}.csv", content_type=CSV_TYPE
        )
    return download(
        xlsx_bytes([(table.title, rows)]), filename=f"{name}.xlsx", content_type=XLSX_TYPE
    )


@role_required(lambda roles: roles.is_coordinator)
@require_http_methods(["GET", "POST"])
def council_report(request: HttpRequest) -> HttpResponse:
    """The print-ready report for the council: the headline figures, the charts and the
    coordinator's own words, saved per municipality and period."""
    form, dashboard = _municipality_figures(request, printed=True)
    scope, municipality = dashboard.scope, form.chosen
    report = selectors.council_report_for(municipality, scope.period)
    text_form = CouncilTextForm(
        request.POST if request.method == "POST" else None,
        initial={"text": report.text if report else ""},
    )
    if request.method == "POST" and text_form.is_valid():
        services.council_report_save(
            municipality=municipality,
            period=scope.period,
            text=text_form.cleaned_data["text"],
            by=request.user,
        )
        messages.success(request, _("The text for the council is saved."))
        return redirect(f"{request.path}?{request.GET.urlencode()}")
    context = {
        "form": form,
        "dashboard": dashboard,
        "municipality": municipality,
        "report": report,
        "text_form": text_form,
        "query": _query(request),
        "printed_at": timezone.localtime(),
        "figures_minutes": cached.FIGURES_CACHE_MINUTES,
    }
    return render(request, "reports/council.html", context)


@school_figures_required
@require_GET
def school(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.school_for(request.roles, pk)
    form = PeriodForm(request.GET or None, today=timezone.localdate())
    scope = form.scope(school)
    now = timezone.now()
    dashboard = figures.school_dashboard(scope, school.pk, links=True)
    if exported := _export(request, dashboard, prefix=school.name):
        return exported
    context = {
        "form": form,
        "school": school,
        "dashboard": dashboard,
        "visits": selectors.upcoming_visits(school.pk, now),
        "open_requests": selectors.open_requests(school.pk),
        "query": _query(request),
    }
    return render(request, "reports/school.html", context)


@programme_required
@require_GET
def national(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = NationalFilterForm(request.GET or None, today=today)
    dashboard = cached.national_dashboard(
        form.scope(), today=today, now=timezone.now(), out_of_date=not _exporting(request)
    )
    if exported := _export(request, dashboard, prefix="national"):
        return exported
    context = {
        "form": form,
        "dashboard": dashboard,
        "query": _query(request),
        "figures_minutes": cached.FIGURES_CACHE_MINUTES,
    }
    return render(request, "reports/national.html", context)
