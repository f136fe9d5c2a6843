"""Every page each demo person can reach answers in Turkish and in Arabic without an error:
staff, coordinator and hero pages may keep Dutch or English words, but a right-to-left
interface or another plural rule must not break them. (The family's pages are checked in a
browser: tests/e2e/test_languages.py.)"""

import datetime as dt
import re
from html import unescape

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db

PEOPLE = [
    "coordinator@demo.test",
    "staff.po@demo.test",
    "staff.vo@demo.test",
    "hero@demo.test",
    "parent@demo.test",
]
HREF = re.compile(r'href="(/[^"#]*)"')
# Not pages: leaving the session, the admin, machine-readable endpoints, downloads.
SKIP = re.compile(r"^/(accounts/logout|admin/|api/|i18n/|static/|healthz|calendar/)|\.(csv|ics)$")
MAX_PAGES = 150


def _kind(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _crawl(client: Client, language: str) -> list[str]:
    """Visit one page of each kind reachable from home; say which failed and how."""
    problems, seen, queue = [], set(), ["/"]
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if _kind(path) in seen or SKIP.search(path):
            continue
        seen.add(_kind(path))
        response = client.get(path)
        if response.status_code >= 400:
            problems.append(f"{path}: {response.status_code}")
        elif response.status_code == 200 and "text/html" in response["Content-Type"]:
            html = response.content.decode()
            if f'<html lang="{language}"' not in html:
                problems.append(f"{path}: not in {language}")
            queue.extend(unescape(href) for href in HREF.findall(html))
    assert len(seen) > 3, f"reached only {sorted(seen)}"
    return problems


@pytest.mark.parametrize("language", ["tr", "ar"])
def test_every_demo_page_answers_in_turkish_and_arabic(settings, language):
    settings.DEBUG = True  # the demo's accounts skip two-step login in development only
    with time_machine.travel(dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC), tick=False):
        call_command("demo", verbosity=0)
        problems = []
        for email in PEOPLE:
            User.objects.filter(email=email).update(language=language)
            client = Client()
            client.force_login(User.objects.get(email=email))
            problems += [f"{email} {problem}" for problem in _crawl(client, language)]
    assert not problems, "\n".join(problems)
