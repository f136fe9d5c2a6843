"""Pages for managing organisations: coordinators run their municipality's directory; staff
run their own school's groups and study days.

Pages without an object answer 403 to people with no role for them; pages about one object
find it through a scoped selector, so anyone it does not belong to gets 404.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.ids import as_id
from core.pagination import paginate
from core.views import coordinator_required, manager_required, submit

from . import selectors, services
from .forms import (
    ClosureFilterForm,
    ClosureForm,
    GroupForm,
    NeighbourhoodForm,
    SchoolFilterForm,
    SchoolForm,
    VenueForm,
)
from .models import current_school_year


def _form_page(request: HttpRequest, form, *, title: str, cancel_url: str) -> HttpResponse:
    context = {"form": form, "title": title, "cancel_url": cancel_url}
    return render(request, "schools/form.html", context)


def _confirm_delete(
    request: HttpRequest, *, obj, delete: Callable, done_url: str, cancel_url: str
) -> HttpResponse:
    """GET asks for confirmation; POST deletes, or explains why the object must stay."""
    if request.method == "POST":
        try:
            delete()
        except services.InUseError as exc:
            messages.error(request, str(exc))
            return redirect(cancel_url)
        messages.success(request, _("Deleted “%(name)s”.") % {"name": obj})
        return redirect(done_url)
    context = {"object": obj, "cancel_url": cancel_url}
    return render(request, "schools/confirm_delete.html", context)


# Schools


@manager_required
def school_list(request: HttpRequest) -> HttpResponse:
    roles = request.roles
    filter_form = SchoolFilterForm(request.GET, roles=roles)
    schools = selectors.school_list_for(roles, **filter_form.filters())
    context = {
        "page_obj": paginate(request, schools),
        "filter_form": filter_form,
        "several_municipalities": len(roles.coordinator_of) > 1,
    }
    return render(request, "schools/school_list.html", context)


@login_required
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.get_school_for_manager(request.roles, pk)
    today = timezone.localdate()
    context = {
        "school": school,
        "current_year": current_school_year(today),
        "groups": selectors.groups_of_school(school, current_school_year(today)),
        "closures": selectors.upcoming_closures_for_school(school, today),
        "staff": selectors.staff_of_school(school),
        "is_coordinator": school.municipality_id in request.roles.coordinator_of,
    }
    return render(request, "schools/school_detail.html", context)


@coordinator_required
@require_http_methods(["GET", "POST"])
def school_create(request: HttpRequest) -> HttpResponse:
    form = SchoolForm(request.POST or None, roles=request.roles)
    message = _("The school has been added.")
    school = submit(request, form, lambda data: services.school_create(**data), message)
    if school is not None:
        return redirect("schools:school_detail", pk=school.pk)
    return _form_page(
        request, form, title=_("Add a school"), cancel_url=reverse("schools:school_list")
    )


@login_required
@require_http_methods(["GET", "POST"])
def school_update(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.get_school_for_coordinator(request.roles, pk)
    form = SchoolForm(request.POST or None, instance=school, roles=request.roles)
    detail_url = reverse("schools:school_detail", args=[school.pk])
    title = _("Edit %(name)s") % {"name": school.name}
    if submit(
        request,
        form,
        lambda data: services.school_update(school=school, data=data),
        _("The school has been saved."),
    ):
        return redirect(detail_url)
    return _form_page(request, form, title=title, cancel_url=detail_url)


@login_required
@require_http_methods(["GET", "POST"])
def school_delete(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.get_school_for_coordinator(request.roles, pk)
    return _confirm_delete(
        request,
        obj=school,
        delete=lambda: services.school_delete(school=school),
        done_url=reverse("schools:school_list"),
        cancel_url=reverse("schools:school_detail", args=[school.pk]),
    )


# Neighbourhoods


@coordinator_required
def neighbourhood_list(request: HttpRequest) -> HttpResponse:
    roles = request.roles
    context = {
        "page_obj": paginate(request, selectors.neighbourhoods_managed_by(roles)),
        "several_municipalities": len(roles.coordinator_of) > 1,
    }
    return render(request, "schools/neighbourhood_list.html", context)


@coordinator_required
@require_http_methods(["GET", "POST"])
def neighbourhood_create(request: HttpRequest) -> HttpResponse:
    form = NeighbourhoodForm(request.POST or None, roles=request.roles, creating=True)

    def save(data):
        return services.neighbourhood_create(
            municipality=form.chosen_municipality(),
            name=data["name"],
            is_target_area=data["is_target_area"],
        )

    list_url = reverse("schools:neighbourhood_list")
    if submit(request, form, save, _("The neighbourhood has been added.")):
        return redirect(list_url)
    return _form_page(request, form, title=_("Add a neighbourhood"), cancel_url=list_url)


@login_required
@require_http_methods(["GET", "POST"])
def neighbourhood_update(request: HttpRequest, pk: int) -> HttpResponse:
    neighbourhood = selectors.get_neighbourhood_for_coordinator(request.roles, pk)
    form = NeighbourhoodForm(request.POST or None, instance=neighbourhood, roles=request.roles)
    list_url = reverse("schools:neighbourhood_list")
    title = _("Edit %(name)s") % {"name": neighbourhood.name}

    def save(data):
        return services.neighbourhood_update(neighbourhood=neighbourhood, **data)

    if submit(request, form, save, _("The neighbourhood has been saved.")):
        return redirect(list_url)
    return _form_page(request, form, title=title, cancel_url=list_url)


@login_required
@require_http_methods(["GET", "POST"])
def neighbourhood_delete(request: HttpRequest, pk: int) -> HttpResponse:
    neighbourhood = selectors.get_neighbourhood_for_coordinator(request.roles, pk)
    list_url = reverse("schools:neighbourhood_list")
    return _confirm_delete(
        request,
        obj=neighbourhood,
        delete=lambda: services.neighbourhood_delete(neighbourhood=neighbourhood),
        done_url=list_url,
        cancel_url=list_url,
    )


# Venues


@coordinator_required
def venue_list(request: HttpRequest) -> HttpResponse:
    roles = request.roles
    context = {
        "page_obj": paginate(request, selectors.venues_managed_by(roles)),
        "several_municipalities": len(roles.coordinator_of) > 1,
    }
    return render(request, "schools/venue_list.html", context)


@coordinator_required
@require_http_methods(["GET", "POST"])
def venue_create(request: HttpRequest) -> HttpResponse:
    form = VenueForm(request.POST or None, roles=request.roles)
    list_url = reverse("schools:venue_list")

    def save(data):
        return services.venue_create(**data)

    if submit(request, form, save, _("The venue has been added.")):
        return redirect(list_url)
    return _form_page(request, form, title=_("Add a venue"), cancel_url=list_url)


@login_required
@require_http_methods(["GET", "POST"])
def venue_update(request: HttpRequest, pk: int) -> HttpResponse:
    venue = selectors.get_venue_for_coordinator(request.roles, pk)
    form = VenueForm(request.POST or None, instance=venue, roles=request.roles)
    list_url = reverse("schools:venue_list")
    title = _("Edit %(name)s") % {"name": venue.name}

    def save(data):
        return services.venue_update(venue=venue, data=data)

    if submit(request, form, save, _("The venue has been saved.")):
        return redirect(list_url)
    return _form_page(request, form, title=title, cancel_url=list_url)


@login_required
@require_http_methods(["GET", "POST"])
def venue_delete(request: HttpRequest, pk: int) -> HttpResponse:
    venue = selectors.get_venue_for_coordinator(request.roles, pk)
    list_url = reverse("schools:venue_list")
    return _confirm_delete(
        request,
        obj=venue,
        delete=lambda: services.venue_delete(venue=venue),
        done_url=list_url,
        cancel_url=list_url,
    )


# Groups


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest, school_pk: int) -> HttpResponse:
    school = selectors.get_school_for_manager(request.roles, school_pk)
    form = GroupForm(request.POST or None, school=school)
    detail_url = reverse("schools:school_detail", args=[school.pk])

    def save(data):
        return services.group_create(school=school, **data)

    if submit(request, form, save, _("The group has been added.")):
        return redirect(detail_url)
    title = _("Add a group to %(school)s") % {"school": school.name}
    return _form_page(request, form, title=title, cancel_url=detail_url)


@login_required
@require_http_methods(["GET", "POST"])
def group_update(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.get_group_for_manager(request.roles, pk)
    form = GroupForm(request.POST or None, instance=group, school=group.school)
    detail_url = reverse("schools:school_detail", args=[group.school_id])
    title = _("Edit group %(name)s") % {"name": group.name}

    def save(data):
        return services.group_update(group=group, data=data)

    if submit(request, form, save, _("The group has been saved.")):
        return redirect(detail_url)
    return _form_page(request, form, title=title, cancel_url=detail_url)


@login_required
@require_http_methods(["GET", "POST"])
def group_delete(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.get_group_for_manager(request.roles, pk)
    detail_url = reverse("schools:school_detail", args=[group.school_id])
    return _confirm_delete(
        request,
        obj=group,
        delete=lambda: services.group_delete(group=group),
        done_url=detail_url,
        cancel_url=detail_url,
    )


# Closures


@manager_required
def closure_list(request: HttpRequest) -> HttpResponse:
    filter_form = ClosureFilterForm(request.GET, today=timezone.localdate())
    closures = selectors.closure_list_for(request.roles, school_year=filter_form.school_year())
    context = {"page_obj": paginate(request, closures), "filter_form": filter_form}
    return render(request, "schools/closure_list.html", context)


def _closure_initial(request: HttpRequest) -> dict:
    """A link from a school's page opens the form with that school chosen."""
    school_pk = as_id(request.GET.get("school"))
    if school_pk is not None:
        school = selectors.schools_managed_by(request.roles).filter(pk=school_pk).first()
        if school is not None:
            return {"school": school}
    return {}


@manager_required
@require_http_methods(["GET", "POST"])
def closure_create(request: HttpRequest) -> HttpResponse:
    roles = request.roles
    form = ClosureForm(request.POST or None, roles=roles, initial=_closure_initial(request))
    list_url = reverse("schools:closure_list")

    def save(data):
        fields = {k: data[k] for k in ("name", "kind", "start_date", "end_date")}
        return services.closure_create(roles=roles, **form.target(), **fields)

    if submit(request, form, save, _("The closure has been added.")):
        return redirect(list_url)
    return _form_page(request, form, title=_("Add a closure"), cancel_url=list_url)


@login_required
@require_http_methods(["GET", "POST"])
def closure_update(request: HttpRequest, pk: int) -> HttpResponse:
    roles = request.roles
    closure = selectors.get_closure_for_editor(roles, pk)
    form = ClosureForm(request.POST or None, instance=closure, roles=roles, creating=False)
    list_url = reverse("schools:closure_list")
    title = _("Edit %(name)s") % {"name": closure.name}

    def save(data):
        return services.closure_update(roles=roles, closure=closure, data=data)

    if submit(request, form, save, _("The closure has been saved.")):
        return redirect(list_url)
    return _form_page(request, form, title=title, cancel_url=list_url)


@login_required
@require_http_methods(["GET", "POST"])
def closure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    roles = request.roles
    closure = selectors.get_closure_for_editor(roles, pk)
    list_url = reverse("schools:closure_list")
    return _confirm_delete(
        request,
        obj=closure,
        delete=lambda: services.closure_delete(roles=roles, closure=closure),
        done_url=list_url,
        cancel_url=list_url,
    )
