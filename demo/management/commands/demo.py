"""`python manage.py demo`: a believable Zaanstad to look around in, built idempotently.

The data is in `demo.data`, the steps that build it in `demo.builders`; every row is found by
a natural key (slug, BRIN, email, name) and updated in place, so a second run changes no
counts.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from demo.builders.activities import build_activities
from demo.builders.heroes import build_heroes
from demo.builders.history import build_history
from demo.builders.people import build_logins, mark_demo_mail_delivered
from demo.builders.places import build_amsterdam, build_zaanstad
from demo.builders.sessions import build_sessions
from demo.data import LOGINS, PASSWORD
from notifications.models import Notification


class Command(BaseCommand):
    help = (
        "Build the demo data (Zaanstad, schools, holidays, activities, one login per role, and "
        "the past term for the steering figures). Idempotent."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
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
        if options["verbosity"] > 0:
            self.print_logins()

    def print_logins(self) -> None:
        width = max(len(login.email) for login in LOGINS)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in with:"))
        self.stdout.write(f"  {'email':<{width}}  {'password':<16}  role")
        for login in LOGINS:
            self.stdout.write(f"  {login.email:<{width}}  {PASSWORD:<16}  {login.role}")
        self.stdout.write(f"Open {settings.SITE_URL}/")
