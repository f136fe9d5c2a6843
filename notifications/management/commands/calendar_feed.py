"""Print a person's calendar feed, as their calendar app would see it."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications.calendar import feed_render


class Command(BaseCommand):
    help = "Print the calendar feed (iCalendar) of the person with this email address."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with the email address {email}.")
        self.stdout.write(feed_render(user, timezone.now()), ending="")
