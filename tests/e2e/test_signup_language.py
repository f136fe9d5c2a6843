"""A parent signs up in Turkish on a phone: the sign-up page asks for the language (the page's
by default), and from then on every mail is in Turkish, names the site and says the day and
the time in words."""

import re

import pytest
from django.utils import translation

from accounts.models import User
from activities import services
from core.time import weekly_text
from notifications.models import Notification
from tests import factories
from tests.activities.test_invites import make_activity
from tests.clock import ENROLLING

from .helpers import assert_good_page

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "ayse@example.org"


def test_a_parent_signs_up_in_turkish_and_every_mail_is_turkish(page):
    page.goto("/accounts/signup/")
    page.get_by_role("button", name="Türkçe").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "tr"
    assert_good_page(page)
    assert page.locator("select[name=language]").input_value() == "tr"

    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=name]", "Ayşe")
    page.fill("input[name=password1]", "een-lang-wachtwoord-42")
    page.fill("input[name=password2]", "een-lang-wachtwoord-42")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert_good_page(page)

    parent = User.objects.get(email=EMAIL)
    assert parent.language == "tr"
    [welcome] = Notification.objects.filter(to_email=EMAIL)
    assert welcome.language == "tr"
    assert "Back on Track" in welcome.subject and "Back on Track" in welcome.body_text
    assert not re.search(r"(van|from|dan) !", welcome.body_text)

    # A place for the child: the confirmation says when, in Turkish words.
    activity = make_activity()
    child = factories.ChildFactory(guardian=parent, school=activity.school, first_name="Elif")
    enrolment = services.enrolment_create(
        guardian=parent, child=child, activity=activity, now=ENROLLING
    )
    with translation.override("tr"):
        when = weekly_text(
            first_date=activity.first_date,
            start_time=activity.start_time,
            end_time=activity.end_time,
        )
    [placed] = Notification.objects.filter(to_email=EMAIL).exclude(pk=welcome.pk)
    assert placed.language == "tr"
    assert enrolment.status == "confirmed"
    assert when in placed.body_text  # "her Çarşamba 14:00-15:30, ..."
    assert "Çarşamba" in when
    assert "Elif" in placed.subject and "Back on Track" in placed.body_text
