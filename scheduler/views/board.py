"""Coordinator pages: the matching board, matching runs with their progress, assigning a request
by hand, and the VR kits with their maintenance blocks.

Everything here is for coordinators: others get 403; objects of another municipality are 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from core import once
from core.forms import apply_errors
from core.ids import as_id
from core.pagination import paginate
from core.refusals import Refusal
from core.time import local_date, local_datetime
from core.views import coordinator_required, resubmitted, submit
from schools.models import Municipality

from .. import errors, queue, selectors, services
from ..forms.board import AssignForm, BlockForm, KitForm, apply_start_errors
from ..models import Kit, KitBlock, MatchingRun, Offer, SessionRequest, Visit
from ..reasons_text import reason_text

WEEKS_AHEAD = 4
DASH = "\N{EN DASH}"
RUNS_SHOWN = 10

# The run's `step` as the coordinator reads it.
STEPS = {
    "": gettext_lazy("Waiting to start"),
    "loading": gettext_lazy("Reading requests, heroes and kits"),
    "solving": gettext_lazy("Looking for the best matches"),
    "writing": gettext_lazy("Sending offers to heroes"),
    "done": gettext_lazy("Finished"),
}


# What the board's list of requests shows of each: the selector's wider joins (who asked, the
# neighbourhood) cost planning time and a model per row for nothing. Offers come as the
# selectors read them, visits without their kit's home and with their offer (few tables to a
# statement: scheduler.selectors._offers).
REQUEST_SHOWN = ("school", "group", "topic")


def _municipalities(request: HttpRequest) -> tuple[list[Municipality], Municipality]:
    """The coordinator's municipalities and the one asked for (?municipality=id or a POSTed
    `municipality`), by default the first by name. Another municipality's id is a 404."""
    mine = list(Municipality.objects.filter(pk__in=request.roles.coordinator_of).order_by("name"))
    wanted = as_id(request.POST.get("municipality") or request.GET.get("municipality"))
    if wanted is None:
        return mine, mine[0]
    for municipality in mine:
        if municipality.pk == wanted:
            return mine, municipality
    raise Http404


def _board_url(municipality_id: int) -> str:
    return f"{reverse('scheduler:board')}?municipality={municipality_id}"


def _in_municipality(municipality_id: int, prefix: str = "request__") -> dict:
    return {f"{prefix}school__neighbourhood__municipality_id": municipality_id}


def _weeks(now: dt.datetime) -> list[dt.date]:
    today = local_date(now)
    monday = today - dt.timedelta(days=today.weekday())
    return [monday + dt.timedelta(weeks=i) for i in range(WEEKS_AHEAD)]


def _midnight(day: dt.date) -> dt.datetime:
    return local_datetime(day, dt.time(0))


@dataclass(frozen=True)
class Entry:
    """One line in the kit calendar: a visit, a pending offer or a maintenance block, read as
    plain values (a city's four weeks are hundreds of lines; as models, each with its request,
    school and hero, they were a good part of the board's time)."""

    kind: str  # "visit", "offer" or "block"
    kit_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    text: str  # "school (hero)" for a visit or offer, the reason for a block
    when: str = ""  # its time as the calendar writes it (CalendarClock)


class CalendarClock:
    """Times as the kit calendar writes them ("Mon 2 Nov 14:00-15:30"), each day's name
    formatted once: a city's four weeks repeat the same few days hundreds of times, and a
    template's date filter per line was a good part of the board's time."""

    def __init__(self) -> None:
        self.days: dict[dt.date, str] = {}

    def _at(self, moment: dt.datetime) -> str:
        local = timezone.localtime(moment)
        day = local.date()
        name = self.days.get(day)
        if name is None:
            name = self.days[day] = date_format(day, "D j M")
        return f"{name} {local:%H:%M}"

    def when(self, kind: str, starts_at: dt.datetime, ends_at: dt.datetime) -> str:
        if kind == "block":  # a block may last days
            return f"{self._at(starts_at)} {DASH} {self._at(ends_at)}"
        return f"{self._at(starts_at)}{DASH}{timezone.localtime(ends_at):%H:%M}"


def kit_calendar(kits, entries: list[Entry], weeks: list[dt.date]) -> list[dict]:
    """Per kit, per week: the entries that overlap that week, in time order, each with its
    time written out. A block over several weeks shows in each of them."""
    clock = CalendarClock()
    by_kit: dict[int, list[Entry]] = {kit.pk: [] for kit in kits}
    for e in sorted(entries, key=lambda e: e.starts_at):
        if e.kit_id in by_kit:
            by_kit[e.kit_id].append(replace(e, when=clock.when(e.kind, e.starts_at, e.ends_at)))
    rows = []
    for kit in kits:
        mine = by_kit[kit.pk]
        kit_weeks = []
        for monday in weeks:
            start, end = _midnight(monday), _midnight(monday + dt.timedelta(weeks=1))
            kit_weeks.append(
                {
                    "monday": monday,
                    "sunday": monday + dt.timedelta(days=6),
                    "number": monday.isocalendar().week,
                    "entries": [e for e in mine if e.starts_at < end and e.ends_at > start],
                }
            )
        rows.append({"kit": kit, "weeks": kit_weeks})
    return rows


def _board_parts(request: HttpRequest, municipality: Municipality, now: dt.datetime) -> dict:
    roles = request.roles
    open_requests = (
        selectors.requests_for(roles, status=SessionRequest.Status.OPEN)
        .filter(**_in_municipality(municipality.pk, ""))
        .select_related(None)
        .select_related(*REQUEST_SHOWN)
        .order_by("-priority", "created_at", "pk")
    )
    page_obj = paginate(request, open_requests)
    for item in page_obj:
        item.first_window = next(iter(item.windows.all()), None)
        item.waiting_days = (now - item.created_at).days
        item.reason = reason_text(item.unmatched_reason)
        item.declines = selectors.declines_of(item)
    pending = selectors.pending_offers_for_coordinator(roles).filter(
        **_in_municipality(municipality.pk)
    )
    offers = paginate(
        request,
        pending.prefetch_related(selectors.closed_offers("request__")),
        param="offers",
    )
    for offer in offers:
        offer.declines = selectors.declines_of(offer.request)
    horizon = now + dt.timedelta(weeks=WEEKS_AHEAD)
    visits = paginate(
        request,
        selectors.visits_for(roles, since=now)
        .filter(
            status=Visit.Status.CONFIRMED,
            starts_at__lt=horizon,
            **_in_municipality(municipality.pk),
        )
        .select_related(None)
        .select_related("request__school", "request__group", "kit")  # the kit's name, not its home
        .prefetch_related("offer"),  # why matching chose the hero (why_chosen)
        param="visits",
    )
    kits = list(Kit.objects.filter(municipality=municipality, is_active=True).order_by("name"))
    weeks = _weeks(now)
    return {
        "page_obj": page_obj,
        "offers": offers,
        "visits": visits,
        "calendar": kit_calendar(kits, _calendar_entries(kits, pending, weeks), weeks),
        "runs": list(
            selectors.runs_for_coordinator(roles).filter(municipality=municipality)[:RUNS_SHOWN]
        ),
    }


def _calendar_entries(kits: list[Kit], pending, weeks: list[dt.date]) -> list[Entry]:
    """The kits' visits, pending offers (whatever page the offer list is on) and blocks that
    overlap the calendar's weeks."""
    first, last = _midnight(weeks[0]), _midnight(weeks[-1] + dt.timedelta(weeks=1))
    in_weeks = {"kit__in": kits, "starts_at__lt": last, "ends_at__gt": first}
    line = ("kit_id", "starts_at", "ends_at", "request__school__name", "hero__display_name")
    visits = Visit.objects.filter(status=Visit.Status.CONFIRMED, **in_weeks).values_list(*line)
    offers = pending.filter(**in_weeks).values_list(*line)
    blocks = KitBlock.objects.filter(**in_weeks).values_list(*line[:3], "reason")
    return [
        *(
            Entry("visit", kit, start, end, f"{school} ({hero})")
            for kit, start, end, school, hero in visits
        ),
        *(
            Entry("offer", kit, start, end, f"{school} ({hero})")
            for kit, start, end, school, hero in offers
        ),
        *(Entry("block", kit, start, end, reason) for kit, start, end, reason in blocks),
    ]


@coordinator_required
def board(request: HttpRequest) -> HttpResponse:
    municipalities, municipality = _municipalities(request)
    context = {
        "municipalities": municipalities,
        "municipality": municipality,
        **_board_parts(request, municipality, timezone.now()),
    }
    return render(request, "scheduler/board/board.html", context)


@coordinator_required
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    _municipalities_list, municipality = _municipalities(request)
    run, created = queue.run_request(
        municipality_id=municipality.pk,
        trigger=MatchingRun.Trigger.MANUAL,
        started_by=request.user,
    )
    if not created:
        messages.info(
            request,
            _("A matching run is already busy for %(m)s; this is that run.")
            % {"m": municipality.name},
        )
    return redirect("scheduler:run-detail", pk=run.pk)


@coordinator_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.get_run_for_coordinator(request.roles, pk)
    context = {
        "run": run,
        # The badge names the status; the step only adds news while the run is busy (a
        # finished run's step "done" would repeat the badge: "Finished Finished").
        "step": STEPS.get(run.step, run.step) if run.status == MatchingRun.Status.RUNNING else "",
        "board_url": _board_url(run.municipality_id),
    }
    if request.htmx:
        return render(request, "scheduler/board/_run_status.html", context)
    return render(request, "scheduler/board/run_detail.html", context)


def _request_for_coordinator(roles, pk: int) -> SessionRequest:
    qs = selectors.requests_for(roles).filter(
        school__neighbourhood__municipality_id__in=roles.coordinator_of
    )
    return get_object_or_404(qs.select_related("school__neighbourhood"), pk=pk)


def _assign(request: HttpRequest, form: AssignForm, session_request: SessionRequest):
    """Offer the form's choice; the offer, or None with errors or warnings on the form."""
    try:
        return services.offer_assign_manually(
            session_request=session_request,
            hero=form.cleaned_data["hero"],
            kit=form.cleaned_data.get("kit"),
            starts_at=form.starts_at(),
            by=request.user,
            force=form.cleaned_data["force"],
            now=timezone.now(),
        )
    except errors.RuleWarnings as exc:
        form.warnings = exc.warnings
        form.ask_to_confirm()
    except ValidationError as exc:
        apply_start_errors(form, exc)
    except Refusal as refusal:
        form.add_error(None, refusal.message)
    return None


@coordinator_required
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    session_request = _request_for_coordinator(request.roles, pk)
    form = AssignForm(
        request.POST or None,
        session_request=session_request,
        initial=AssignForm.initial_for(session_request),
    )
    form.warnings = []
    if request.method == "POST" and form.is_valid():
        offer = _assign(request, form, session_request)
        if offer is not None:
            messages.success(
                request,
                _("Offered to %(hero)s; they will get a message.") % {"hero": offer.hero},
            )
            return redirect(_board_url(session_request.school.neighbourhood.municipality_id))
    context = {
        "session_request": session_request,
        "form": form,
        "warnings": form.warnings,
        "reason": reason_text(session_request.unmatched_reason),
        "board_url": _board_url(session_request.school.neighbourhood.municipality_id),
    }
    return render(request, "scheduler/board/assign.html", context)


# VR kits


@coordinator_required
def kit_list(request: HttpRequest) -> HttpResponse:
    kits = selectors.kits_for_coordinator(request.roles)
    context = {
        "page_obj": paginate(request, kits),
        "several_municipalities": len(request.roles.coordinator_of) > 1,
    }
    return render(request, "scheduler/board/kit_list.html", context)


@coordinator_required
def kit_create(request: HttpRequest) -> HttpResponse:
    form = KitForm(request.POST or None, roles=request.roles)
    kit = submit(
        request,
        form,
        lambda data: services.kit_create(
            municipality=form.municipality(),
            name=data["name"],
            headsets=data["headsets"],
            home_venue=data["home_venue"],
            is_active=data["is_active"],
        ),
        _("The kit is added."),
    )
    if kit is not None:
        return redirect("scheduler:kit-detail", pk=kit.pk)
    return render(request, "scheduler/board/kit_form.html", {"form": form, "kit": None})


@coordinator_required
def kit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    kit = selectors.get_kit_for_coordinator(request.roles, pk)
    form = KitForm(
        request.POST or None,
        roles=request.roles,
        municipality=kit.municipality,
        initial=KitForm.initial_for(kit),
    )
    saved = submit(
        request,
        form,
        lambda data: services.kit_update(
            kit=kit,
            name=data["name"],
            headsets=data["headsets"],
            home_venue=data["home_venue"],
            is_active=data["is_active"],
        ),
        _("The kit is saved."),
    )
    if saved is not None:
        return redirect("scheduler:kit-detail", pk=kit.pk)
    return render(request, "scheduler/board/kit_form.html", {"form": form, "kit": kit})


@coordinator_required
def kit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    kit = selectors.get_kit_for_coordinator(request.roles, pk)
    now = timezone.now()
    form = BlockForm(request.POST or None)
    affected: list = []
    # Not core.views.submit: a block over visits is not an error but a question (the list and
    # a tick box). The same resubmit guard, though: sent again, it shows the first block.
    key = once.posted_key(request, form)
    if once.earlier(request, key) is not None:
        resubmitted(request, None)
        return redirect("scheduler:kit-detail", pk=kit.pk)
    if request.method == "POST" and form.is_valid():
        try:
            block = services.kit_block_add(kit=kit, now=now, **form.cleaned_data)
        except errors.BlockAffectsVisits as exc:
            affected = [*exc.offers, *exc.visits]
            form.ask_to_confirm()
        except ValidationError as exc:
            apply_errors(form, exc)
        except Refusal as refusal:
            form.add_error(None, str(refusal.message))
        else:
            once.remember(request, key, block)
            messages.success(request, _("The kit is blocked for that time."))
            if block.released:
                messages.info(request, _released_text(len(block.released)))
            return redirect("scheduler:kit-detail", pk=kit.pk)
    context = {
        "kit": kit,
        "form": form,
        "affected": affected,
        "blocks": selectors.kit_blocks(kit, since=now),
        "visits": Visit.objects.filter(kit=kit, status=Visit.Status.CONFIRMED, ends_at__gte=now)
        .select_related("request__school", "request__group", "hero")
        .order_by("starts_at", "pk"),
        "offers": Offer.objects.filter(kit=kit, status=Offer.Status.PENDING)
        .select_related("request__school", "request__group", "hero")
        .order_by("starts_at", "pk"),
    }
    return render(request, "scheduler/board/kit_detail.html", context)


def _released_text(n: int) -> str:
    return ngettext(
        "%(n)d visit or offer in that time is cancelled. The school and the hero have been "
        "told; matching looks for another time or kit.",
        "%(n)d visits or offers in that time are cancelled. The schools and the heroes have "
        "been told; matching looks for another time or kit.",
        n,
    ) % {"n": n}


@coordinator_required
@require_POST
def block_delete(request: HttpRequest, pk: int) -> HttpResponse:
    block = selectors.get_block_for_coordinator(request.roles, pk)
    services.kit_block_remove(block=block)
    messages.success(request, _("The block is removed; the kit can be matched again then."))
    return redirect("scheduler:kit-detail", pk=block.kit_id)
