"""Pages for Local Heroes (their own profile, availability and VOG status) and for
coordinators (their municipality's heroes, VOG checks, topics).

Pages without an object answer 403 to people without the role; objects of others are 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.pagination import paginate
from core.views import coordinator_required, hero_required, submit

from . import selectors, services
from .forms import (
    AwayPeriodForm,
    HeroProfileForm,
    TopicForm,
    VOGForm,
    VRTrainingForm,
    WindowForm,
)
from .models import vog_status

# The hero's own pages


@hero_required
def my_profile(request: HttpRequest) -> HttpResponse:
    hero = selectors.hero_of_user(request.user)
    today = timezone.localdate()
    context = {
        "hero": hero,
        "vog_status": vog_status(hero.vog_valid_until, today),
        **selectors.hero_profile_parts(hero, today=today),
    }
    return render(request, "heroes/my_profile.html", context)


@hero_required
def my_profile_edit(request: HttpRequest) -> HttpResponse:
    hero = selectors.hero_of_user(request.user)
    form = HeroProfileForm(
        request.POST or None, hero=hero, initial=HeroProfileForm.initial_for(hero)
    )
    saved = submit(
        request,
        form,
        lambda data: services.hero_profile_update(hero=hero, **data),
        _("Your profile is saved."),
    )
    if saved:
        return redirect("heroes:my_profile")
    return render(request, "heroes/profile_form.html", {"form": form})


@hero_required
def my_availability(request: HttpRequest) -> HttpResponse:
    hero = selectors.hero_of_user(request.user)
    today = timezone.localdate()
    is_window = request.POST.get("form") == "window"
    is_away = request.POST.get("form") == "away"
    window_form = WindowForm(request.POST if is_window else None, prefix="window")
    away_form = AwayPeriodForm(request.POST if is_away else None, prefix="away")
    if is_window and submit(
        request,
        window_form,
        lambda data: services.availability_window_add(hero=hero, **data),
        _("The time is added."),
    ):
        return redirect("heroes:my_availability")
    if is_away and submit(
        request,
        away_form,
        lambda data: services.away_period_add(hero=hero, now=timezone.now(), **data),
        _("The away period is added."),
    ):
        return redirect("heroes:my_availability")
    context = {
        "window_form": window_form,
        "away_form": away_form,
        **selectors.hero_profile_parts(hero, today=today),
    }
    return render(request, "heroes/availability.html", context)


@hero_required
@require_POST
def window_remove(request: HttpRequest, pk: int) -> HttpResponse:
    hero = selectors.hero_of_user(request.user)
    services.availability_window_remove(window=selectors.get_window_of_hero(hero, pk))
    messages.success(request, _("The time is removed."))
    return redirect("heroes:my_availability")


@hero_required
@require_POST
def away_remove(request: HttpRequest, pk: int) -> HttpResponse:
    hero = selectors.hero_of_user(request.user)
    services.away_period_remove(period=selectors.get_away_period_of_hero(hero, pk))
    messages.success(request, _("The away period is removed."))
    return redirect("heroes:my_availability")


# Coordinator pages


@coordinator_required
def hero_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    vog_problem = request.GET.get("vog") == "problem"
    vog_soon = request.GET.get("vog") == "soon"
    heroes = selectors.heroes_for_coordinator(
        request.roles, today=today, vog_problem=vog_problem, vog_soon=vog_soon
    )
    page_obj = paginate(request, heroes)
    for hero in page_obj:
        hero.vog_status = vog_status(hero.vog_valid_until, today)
    context = {
        "page_obj": page_obj,
        "vog_problem": vog_problem,
        "vog_soon": vog_soon,
        "several_municipalities": len(request.roles.coordinator_of) > 1,
    }
    return render(request, "heroes/hero_list.html", context)


@coordinator_required
def hero_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hero = selectors.get_hero_for_coordinator(request.roles, pk)
    today = timezone.localdate()
    kind = request.POST.get("form")
    vog_form = VOGForm(request.POST if kind == "vog" else None, prefix="vog")
    vr_form = VRTrainingForm(
        request.POST if kind == "vr" else None,
        prefix="vr",
        initial={"vr_trained_on": hero.vr_trained_on},
    )
    if kind == "vog" and submit(
        request,
        vog_form,
        lambda data: services.vog_record(
            hero=hero, recorded_by=request.user, now=timezone.now(), **data
        ),
        _("The VOG check is recorded."),
    ):
        return redirect("heroes:hero_detail", pk=hero.pk)
    if kind == "vr" and submit(
        request,
        vr_form,
        lambda data: services.hero_vr_training_set(
            hero=hero, trained_on=data["vr_trained_on"], now=timezone.now()
        ),
        _("The training date is saved."),
    ):
        return redirect("heroes:hero_detail", pk=hero.pk)
    context = {
        "hero": hero,
        "vog_status": vog_status(hero.vog_valid_until, today),
        "vog_checks": selectors.vog_history(hero),
        "vog_form": vog_form,
        "vr_form": vr_form,
        **selectors.hero_profile_parts(hero, today=today),
    }
    return render(request, "heroes/hero_detail.html", context)


@coordinator_required
def topic_list(request: HttpRequest) -> HttpResponse:
    form = TopicForm(request.POST or None, roles=request.roles)
    if submit(
        request,
        form,
        lambda data: services.topic_create(municipality=form.municipality(), name=data["name"]),
        _("The topic is added."),
    ):
        return redirect("heroes:topic_list")
    topics = selectors.topics_for_coordinator(request.roles)
    context = {
        "form": form,
        "page_obj": paginate(request, topics),
        "several_municipalities": len(request.roles.coordinator_of) > 1,
    }
    return render(request, "heroes/topic_list.html", context)


@coordinator_required
def topic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    topic = selectors.get_topic_for_coordinator(request.roles, pk)
    form = TopicForm(request.POST or None, roles=request.roles, initial={"name": topic.name})
    form.fields.pop("municipality", None)
    form.fields.pop("submission_key")  # a rename, sent again with another name, must count
    if submit(
        request,
        form,
        lambda data: services.topic_rename(topic=topic, name=data["name"]),
        _("The topic is renamed."),
    ):
        return redirect("heroes:topic_list")
    context = {"form": form, "title": _("Rename topic"), "cancel_url": "heroes:topic_list"}
    return render(request, "heroes/topic_form.html", {**context, "topic": topic})
