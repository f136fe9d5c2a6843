"""Pages of the national programme team about the municipalities: every municipality with its
counts (names and numbers, never a person), and, for programme administrators, adding a
municipality with its first coordinator."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.pagination import paginate
from core.views import posted, programme_admin_required, programme_required, submit
from schools.models import Municipality

from .. import selectors, services
from ..forms import MunicipalityStartForm


@programme_required
@require_GET
def municipality_list(request: HttpRequest) -> HttpResponse:
    municipalities = selectors.municipalities_for_programme(request.roles, timezone.now())
    context = {"page_obj": paginate(request, municipalities)}
    return render(request, "accounts/municipality_list.html", context)


def _added(municipality: Municipality) -> str:
    return _("%(name)s has been added. Its first coordinator gets an invitation by email.") % {
        "name": municipality.name
    }


@programme_admin_required
@require_http_methods(["GET", "POST"])
def municipality_create(request: HttpRequest) -> HttpResponse:
    form = MunicipalityStartForm(posted(request))

    def start(data: dict) -> Municipality:
        return services.municipality_start(
            started_by=request.user,
            now=timezone.now(),
            submission_key=form.submission_key_of(request.user),
            **data,
        )

    if submit(request, form, start, _added) is not None:
        return redirect("programme:municipality_list")
    return render(request, "accounts/municipality_form.html", {"form": form})
