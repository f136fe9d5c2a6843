"""Zaanstad's Local Heroes: topics, profiles, availability, VR training and VOG dates."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password

from accounts.models import User
from demo.data import HERO_TOPICS, HEROES, HeroSpec
from heroes import services as hero_services
from heroes.models import Hero, Topic
from schools.models import Municipality, Neighbourhood


def build_heroes(zaanstad: Municipality, today: dt.date, now: dt.datetime) -> None:
    """Topics and heroes of Zaanstad; their VOGs seen by the demo coordinator."""
    coordinator = User.objects.get(email="coordinator@demo.test")
    build_hero_team(zaanstad, HEROES, today, now, recorded_by=coordinator)


def build_hero_team(
    municipality: Municipality,
    specs: list[HeroSpec],
    today: dt.date,
    now: dt.datetime,
    *,
    recorded_by: User | None,
) -> None:
    """The municipality's topics and heroes, each filled once through heroes.services: a
    hero who already has availability windows is left as they are (and may have been edited)."""
    topics = {
        name: Topic.objects.get_or_create(municipality=municipality, name=name)[0]
        for name in HERO_TOPICS
    }
    wijken = {w.name: w for w in Neighbourhood.objects.filter(municipality=municipality)}
    for spec in specs:
        hero = demo_hero(spec, municipality)
        if hero.availability.exists():
            continue
        fill_profile(spec, hero, topics, wijken)
        fill_availability(spec, hero, today, now)
        record_vog(spec, hero, today, now, recorded_by)


def demo_hero(spec: HeroSpec, municipality: Municipality) -> Hero:
    """The hero of this email; a new user gets no usable password."""
    user = User.objects.filter(email=spec.email).first()
    if user is None:
        user = User.objects.create(
            email=spec.email, name=spec.name, language="nl", password=make_password(None)
        )
    return Hero.objects.get_or_create(
        user=user,
        defaults={"municipality": municipality, "display_name": spec.name.split()[0]},
    )[0]


def fill_profile(
    spec: HeroSpec,
    hero: Hero,
    topics: dict[str, Topic],
    wijken: dict[str, Neighbourhood],
) -> None:
    hero_services.hero_profile_update(
        hero=hero,
        story=spec.story or f"Ik ben {spec.name.split()[0]} en ik vertel graag over mijn werk.",
        topics=[topics[name] for name in spec.topics],
        languages=list(spec.languages),
        home_neighbourhood=wijken[spec.home],
        visit_neighbourhoods=[wijken[name] for name in spec.visits],
        max_visits_per_month=4,
    )


def fill_availability(spec: HeroSpec, hero: Hero, today: dt.date, now: dt.datetime) -> None:
    """VR training (four months ago) for the trained ones, and the weekly windows."""
    if spec.vr_trained:
        hero_services.hero_vr_training_set(
            hero=hero, trained_on=today - dt.timedelta(days=120), now=now
        )
    for weekday, start, end in spec.windows:
        hero_services.availability_window_add(
            hero=hero, weekday=weekday, start_time=dt.time(start), end_time=dt.time(end)
        )


def record_vog(
    spec: HeroSpec, hero: Hero, today: dt.date, now: dt.datetime, recorded_by: User | None
) -> None:
    """A VOG valid until `vog_days` from today, issued three years before (or today)."""
    if spec.vog_days is None:
        return
    valid_until = today + dt.timedelta(days=spec.vog_days)
    hero_services.vog_record(
        hero=hero,
        issued_on=min(valid_until - dt.timedelta(days=3 * 365), today),
        valid_until=valid_until,
        recorded_by=recorded_by,
        now=now,
    )
