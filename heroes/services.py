"""Writes for heroes: profiles, availability, topics and VOG checks.

Each function validates before it writes and raises django ValidationError (keyed by field
where one field is at fault), so a refused change leaves nothing half-saved.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.locking import lock, locking
from core.urls import absolute_url
from notifications.services import notification_create_from_template

from . import selectors
from .models import (
    LANGUAGE_CODES,
    AvailabilityException,
    AvailabilityWindow,
    Hero,
    Topic,
    VOGCheck,
    vog_default_valid_until,
)

# Topics


def _check_topic_name(*, municipality_id: int, name: str, exclude_pk: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the topic a name.")})
    clash = Topic.objects.filter(municipality_id=municipality_id, name__iexact=name)
    if clash.exclude(pk=exclude_pk).exists():
        raise ValidationError({"name": _("This municipality already has a topic with this name.")})
    return name


@transaction.atomic
def topic_create(*, municipality, name: str) -> Topic:
    name = _check_topic_name(municipality_id=municipality.pk, name=name)
    return Topic.objects.create(municipality=municipality, name=name)


@transaction.atomic
def topic_rename(*, topic: Topic, name: str) -> Topic:
    topic.name = _check_topic_name(
        municipality_id=topic.municipality_id, name=name, exclude_pk=topic.pk
    )
    topic.save(update_fields=["name"])
    return topic


# Profile


def _check_profile(*, hero: Hero, topics, languages, home_neighbourhood, visit_neighbourhoods):
    errors = {}
    if any(t.municipality_id != hero.municipality_id for t in topics):
        errors["topics"] = _("Choose topics of your own municipality.")
    if any(code not in LANGUAGE_CODES for code in languages):
        errors["languages"] = _("Choose languages from the list.")
    places = list(visit_neighbourhoods) + ([home_neighbourhood] if home_neighbourhood else [])
    if any(n.municipality_id != hero.municipality_id for n in places):
        errors["visit_neighbourhoods"] = _("Choose neighbourhoods of your own municipality.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def hero_profile_update(
    *,
    hero: Hero,
    story: str,
    topics,
    languages: list[str],
    home_neighbourhood,
    visit_neighbourhoods,
    max_visits_per_month: int,
) -> Hero:
    topics, visit_neighbourhoods = list(topics), list(visit_neighbourhoods)
    _check_profile(
        hero=hero,
        topics=topics,
        languages=languages,
        home_neighbourhood=home_neighbourhood,
        visit_neighbourhoods=visit_neighbourhoods,
    )
    if not 1 <= max_visits_per_month <= 20:
        raise ValidationError({"max_visits_per_month": _("Choose a number from 1 to 20.")})
    hero.story = story.strip()
    hero.languages = [code for code in LANGUAGE_CODES if code in set(languages)]
    hero.home_neighbourhood = home_neighbourhood
    hero.max_visits_per_month = max_visits_per_month
    hero.save(update_fields=["story", "languages", "home_neighbourhood", "max_visits_per_month"])
    hero.topics.set(topics)
    hero.visit_neighbourhoods.set(visit_neighbourhoods)
    return hero


@transaction.atomic
def hero_vr_training_set(*, hero: Hero, trained_on: dt.date | None, now: dt.datetime) -> Hero:
    if trained_on and trained_on > timezone.localdate(now):
        raise ValidationError({"vr_trained_on": _("The training date cannot be in the future.")})
    hero.vr_trained_on = trained_on
    hero.save(update_fields=["vr_trained_on"])
    return hero


@locking()
def hero_erase(*, hero: Hero, now: dt.datetime) -> Hero:
    """The hero leaves the programme: the profile, availability, away periods and VOG checks
    go; the row stays, anonymous and never matched again, so past visits keep their counts.
    (Pending offers and coming visits are withdrawn first: scheduler.services.hero_withdraw.)"""
    _lock(hero)
    hero.availability.all().delete()
    hero.away_periods.all().delete()
    hero.vog_checks.all().delete()
    hero.topics.clear()
    hero.visit_neighbourhoods.clear()
    hero.display_name, hero.story, hero.languages = "", "", []
    hero.home_neighbourhood, hero.vr_trained_on, hero.left_at = None, None, now
    hero.save(
        update_fields=[
            "display_name",
            "story",
            "languages",
            "home_neighbourhood",
            "vr_trained_on",
            "left_at",
        ]
    )
    return hero


# Availability


def _lock(hero: Hero) -> None:
    """Serialise availability changes of one hero, so two tabs cannot add overlapping windows."""
    lock(Hero.objects.filter(pk=hero.pk))


@locking()
def availability_window_add(
    *, hero: Hero, weekday: int, start_time: dt.time, end_time: dt.time
) -> AvailabilityWindow:
    if end_time <= start_time:
        raise ValidationError({"end_time": _("The end time must be after the start time.")})
    _lock(hero)
    overlap = AvailabilityWindow.objects.filter(
        hero=hero, weekday=weekday, start_time__lt=end_time, end_time__gt=start_time
    ).first()
    if overlap:
        raise ValidationError(
            {
                "start_time": _(
                    "This time overlaps with %(window)s. Change or remove that one first."
                )
                % {"window": overlap}
            }
        )
    return AvailabilityWindow.objects.create(
        hero=hero, weekday=weekday, start_time=start_time, end_time=end_time
    )


@transaction.atomic
def availability_window_remove(*, window: AvailabilityWindow) -> None:
    window.delete()


@transaction.atomic
def away_period_add(
    *, hero: Hero, starts_on: dt.date, ends_on: dt.date, note: str = "", now: dt.datetime
) -> AvailabilityException:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The last day cannot be before the first day.")})
    if ends_on < timezone.localdate(now):
        raise ValidationError({"ends_on": _("This period is already over.")})
    return AvailabilityException.objects.create(
        hero=hero, starts_on=starts_on, ends_on=ends_on, note=note.strip()
    )


@transaction.atomic
def away_period_remove(*, period: AvailabilityException) -> None:
    period.delete()


# VOG


@transaction.atomic
def vog_record(
    *,
    hero: Hero,
    issued_on: dt.date,
    valid_until: dt.date | None = None,
    recorded_by,
    now: dt.datetime,
) -> VOGCheck:
    if issued_on > timezone.localdate(now):
        raise ValidationError({"issued_on": _("The issue date cannot be in the future.")})
    valid_until = valid_until or vog_default_valid_until(issued_on)
    if valid_until <= issued_on:
        raise ValidationError({"valid_until": _("The end date must be after the issue date.")})
    return VOGCheck.objects.create(
        hero=hero,
        issued_on=issued_on,
        valid_until=valid_until,
        recorded_by=recorded_by,
        recorded_at=now,
    )


def _tell_vog_expiring(*, check: VOGCheck, recipient, audience: str, url: str) -> bool:
    _notification, created = notification_create_from_template(
        template=f"heroes/email/vog_expiring_{audience}",
        context={"check": check, "hero": check.hero, "recipient": recipient, "url": url},
        to_email=recipient.email,
        recipient=recipient,
        kind="hero:vog_expiring",
        idempotency_key=f"vog:{check.pk}:expiring:{audience}:{recipient.pk}",
        municipality_pk=check.hero.municipality_id,
    )
    return created


@transaction.atomic
def vog_reminders_send(*, now: dt.datetime) -> int:
    """Warn each hero whose current VOG ends within VOG_WARNING_DAYS, and their coordinators.
    The keys name the VOG check, so running again writes nothing new; returns how many new
    notifications were written."""
    sent = 0
    for check in selectors.vog_checks_expiring(now=now):
        hero = check.hero
        sent += _tell_vog_expiring(
            check=check,
            recipient=hero.user,
            audience="hero",
            url=absolute_url("heroes:my_profile"),
        )
        detail_url = absolute_url("heroes:hero_detail", hero.pk)
        for membership in hero.municipality.coordinators.all():
            sent += _tell_vog_expiring(
                check=check, recipient=membership.user, audience="coordinator", url=detail_url
            )
    return sent
