"""Pages for a person's data: ask for an export and read it, delete the account; and, for
coordinators, what the retention run will remove in their municipality."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.views import coordinator_required, posted

from .. import privacy, retention


def privacy_statement(request: HttpRequest) -> HttpResponse:
    """What we keep, why and for how long, in plain words; for everyone, signed in or not."""
    return render(request, "accounts/privacy.html")


@login_required
@require_POST
def data_export_request(request: HttpRequest) -> HttpResponse:
    privacy.data_export_request(user=request.user, now=timezone.now())
    messages.success(
        request,
        _(
            "We are gathering your data. You get an email with a link as soon as it is ready "
            "(usually within a few minutes)."
        ),
    )
    return redirect("account_settings")


def _owned_export(request: HttpRequest, token: str):
    export = privacy.get_export_for_owner(request.user, token, timezone.now())
    if export is None:
        raise Http404
    return export


@login_required
def data_export(request: HttpRequest, token: str) -> HttpResponse:
    export = _owned_export(request, token)
    return render(request, "accounts/data_export.html", {"export": export, "data": export.data})


@login_required
def data_export_json(request: HttpRequest, token: str) -> HttpResponse:
    export = _owned_export(request, token)
    response = JsonResponse(export.data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    name = f"back-on-track-{export.created_at:%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class EraseForm(forms.Form):
    understood = forms.BooleanField(
        label=gettext_lazy("I understand: my account and the data of my children are removed."),
        required=True,
    )


class LeaveForm(forms.Form):
    understood = forms.BooleanField(
        label=gettext_lazy(
            "I understand: my offers and coming visits are cancelled and my hero profile is "
            "removed."
        ),
        required=True,
    )


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    """Confirm, then erase. Asks for the password (or a code) again first: it cannot be undone."""
    form = EraseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        privacy.account_erase(user=user, now=timezone.now())
        return render(request, "accounts/erased.html")
    context = {"form": form, "pending": privacy.erasure_pending_for(request.user)}
    return render(request, "accounts/account_delete.html", context)


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def hero_leave(request: HttpRequest) -> HttpResponse:
    """A Local Hero stops; their account stays for their other roles."""
    if not request.roles.is_hero:
        raise Http404
    form = LeaveForm(posted(request))
    if request.method == "POST" and form.is_valid():
        privacy.hero_leave(user=request.user, now=timezone.now())
        messages.success(request, _("You are no longer a Local Hero. Thank you for your visits."))
        return redirect("home")
    context = {"form": form, "pending": privacy.erasure_pending_for(request.user)}
    return render(request, "accounts/hero_leave.html", context)


@coordinator_required
def retention_overview(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    due = retention.retention_due(now, municipality_ids=request.roles.coordinator_of)
    context = {
        "due": due,
        "children": retention.children_due(now)
        .filter(school__neighbourhood__municipality_id__in=request.roles.coordinator_of)
        .select_related("school")
        .order_by("school__name", "grade")[:200],
    }
    return render(request, "accounts/retention.html", context)
