"""`python manage.py demo`: a believable Zaanstad to look around in, built idempotently.

The data is in `demo.data`, the steps that build it in `demo.builders`; every row is found by
a natural key (slug, BRIN, email, name) and updated in place, so a second run changes no
counts.

`--scale city|national` then adds a big city (Amsterdam) or the eight municipalities of the
national programme with bulk inserts (`demo.scale`), each municipality in one transaction;
one that is there already is skipped, so a second run adds nothing.
"""

from __future__ import annotations

import random
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from demo.builders.activities import build_activities
from demo.builders.heroes import build_heroes
from demo.builders.history import build_history
from demo.builders.people import build_logins, mark_demo_mail_delivered
from demo.builders.places import build_amsterdam, build_zaanstad
from demo.builders.sessions import build_sessions
from demo.data import LOGINS, PASSWORD
from demo.scale import seed_city
from demo.scale.towns import SCALES, Part
from notifications.models import Notification
from schools.models import CoordinatorMembership


class Command(BaseCommand):
    help = (
        "Build the demo data (Zaanstad, schools, holidays, activities, one login per role, and "
        "the past term for the steering figures). Idempotent."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )
        parser.add_argument(
            "--scale",
            choices=list(SCALES),
            help="Add a big city (city: Amsterdam, 200 schools) or the eight municipalities of "
            "the national programme (national: 1,000 schools, 150,000 children, 20,000 "
            "activities, 5,000 heroes) with bulk inserts; tiny is for tests.",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="The same seed gives the same data (2026)."
        )

    def handle(
        self,
        *args: Any,
        force: bool = False,
        scale: str | None = None,
        seed: int = 2026,
        **options: Any,
    ) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo data has well-known passwords: it runs only with DEBUG on, or with --force."
            )
        today = timezone.localdate()
        last_mail = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
        with transaction.atomic():
            zaanstad = build_zaanstad(today)
            amsterdam = build_amsterdam(today)
            build_logins(zaanstad)
            build_activities(today, timezone.now())
            build_heroes(zaanstad, today, timezone.now())
            build_sessions(zaanstad, today, timezone.now())
            build_history([zaanstad, amsterdam], today, timezone.now())
            mark_demo_mail_delivered(last_mail or 0, timezone.now())
        parts = SCALES[scale]() if scale else []
        if parts:
            self.build_scale(parts, seed, options["verbosity"])
        if options["verbosity"] > 0:
            self.print_logins(parts)

    def build_scale(self, parts: list[Part], seed: int, verbosity: int) -> None:
        """Each municipality in its own transaction, skipped when its coordinator exists (the
        last row it writes); then fresh planner statistics, as a database in use has."""
        started = time.perf_counter()
        password = make_password(PASSWORD)
        now = timezone.now()
        for part in parts:
            town = part.town
            if CoordinatorMembership.objects.filter(
                user__email=f"coordinator@{town.domain}"
            ).exists():
                if verbosity > 0:
                    self.stdout.write(f"{town.name}: already loaded, skipped.")
                continue
            clock = time.perf_counter()
            # One generator per town, from the seed and its name: skipping one changes no other.
            rng = random.Random(f"{seed}:{town.slug}")
            with transaction.atomic():
                seed_city(part.sizes, rng, now, town=town, password=password)
            if verbosity > 0:
                self.stdout.write(
                    f"{town.name}: {part.sizes.schools} schools, {part.sizes.children} children,"
                    f" {part.sizes.activities} activities, {part.sizes.heroes} heroes"
                    f" in {time.perf_counter() - clock:.0f} s."
                )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        if verbosity > 0:
            self.stdout.write(f"Scale data ready in {time.perf_counter() - started:.0f} s.")

    def print_logins(self, parts: list[Part]) -> None:
        width = max(len(login.email) for login in LOGINS)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in with:"))
        self.stdout.write(f"  {'email':<{width}}  {'password':<16}  role")
        for login in LOGINS:
            self.stdout.write(f"  {login.email:<{width}}  {PASSWORD:<16}  {login.role}")
        for part in parts:
            domain = part.town.domain
            self.stdout.write(
                f"  {part.town.name}: coordinator@{domain}, staff<school>.<n>@{domain},"
                f" parent<n>@{domain}, hero<n>@{domain} (numbers from 0), password {PASSWORD}"
            )
        self.stdout.write(f"Open {settings.SITE_URL}/")
