"""Be on Track messages in a real browser on a phone-sized screen: a coordinator writes in
Dutch and Arabic to one neighbourhood, previews, sends; each family of that neighbourhood gets
it once in its language, a family that switched messages off gets nothing; the stop link in
the mail works. Every page passes axe at 360 px."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from campaigns import services
from campaigns.models import ParentMessage
from notifications.models import Notification
from schools.models import CoordinatorMembership, StaffMembership
from tests import factories
from tests.campaigns.helpers import family

from .helpers import assert_good_page, log_in, person

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_writes_to_one_neighbourhood_in_dutch_and_arabic(page, municipality):
    east = factories.NeighbourhoodFactory(municipality=municipality, name="Oost")
    west = factories.NeighbourhoodFactory(municipality=municipality, name="West")
    school = factories.SchoolFactory(neighbourhood=east)
    dutch = family(school, neighbourhood=east)
    arabic = family(school, neighbourhood=east, language="ar", children=2)
    family(school, neighbourhood=west)
    stopped = family(school, neighbourhood=east)
    services.message_preference_set(user_pk=stopped.pk, messages_off=True)
    coordinator = person(mfa_exempt=True)
    CoordinatorMembership.objects.create(user=coordinator, municipality=municipality)

    log_in(page, coordinator.email, factories.PASSWORD)
    page.goto("/messages/new/")
    assert_good_page(page)
    page.get_by_label("Neighbourhood where they live").select_option(label="Oost")
    page.get_by_label("Subject in Dutch").fill("Sportdag")
    page.get_by_label("Text in Dutch").fill("Kom ook naar de sportdag!")
    page.get_by_label("Subject in Arabic").fill("يوم رياضي")
    page.get_by_label("Text in Arabic").fill("تعالوا إلى اليوم الرياضي!")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()

    assert_good_page(page)
    assert "Families it reaches: < 5" in page.get_by_role("status").first.inner_text()
    assert page.locator("article[lang=ar][dir=rtl]").count() == 1
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_load_state()

    assert_good_page(page)
    message = ParentMessage.objects.get()
    assert page.url.endswith(f"/messages/{message.pk}/")
    assert page.locator("#count-recipients").inner_text() == "< 5"  # 2, too few to show
    sent = {n.to_email: n.language for n in Notification.objects.filter(kind="parent_message")}
    assert sent == {dutch.email: "nl", arabic.email: "ar"}

    page.goto("/messages/")
    assert_good_page(page)
    assert page.get_by_role("link", name="Sportdag").count() == 1


def test_the_stop_link_in_a_message_asks_then_stops(page, db):
    guardian = factories.parent()
    url = services.unsubscribe_url(guardian.pk)
    page.goto(url[url.index("/messages/") :])
    assert_good_page(page)
    # Not signed in, the page speaks the browser's language (Dutch here).
    with translation.override("nl"):
        stop = translation.gettext("Stop these messages")
    page.get_by_role("button", name=stop).click()
    page.wait_for_load_state()
    assert_good_page(page)
    guardian.message_preference.refresh_from_db()
    assert guardian.message_preference.messages_off


def test_a_parent_switches_messages_off_in_settings(page, db):
    guardian = person(is_parent=True)
    log_in(page, guardian.email, factories.PASSWORD)
    page.goto("/accounts/settings/")
    assert_good_page(page)
    page.get_by_label("Send me Be on Track messages").uncheck()
    page.get_by_role("button", name="Save message choices").click()
    page.wait_for_load_state()
    assert_good_page(page)
    assert not page.get_by_label("Send me Be on Track messages").is_checked()
    guardian.message_preference.refresh_from_db()
    assert guardian.message_preference.messages_off


def test_the_sender_changes_a_later_message_before_its_time(page, municipality):
    school = factories.SchoolFactory(neighbourhood__municipality=municipality)
    family(school)
    staff = person(mfa_exempt=True)
    StaffMembership.objects.create(user=staff, school=school, role="teacher")
    later = timezone.localtime() + dt.timedelta(days=3)

    log_in(page, staff.email, factories.PASSWORD)
    page.goto("/messages/new/")
    page.get_by_label("Subject in Dutch").fill("Ouderavond")
    page.get_by_label("Text in Dutch").fill("Donderdag om zeven uur.")
    page.get_by_label("Send later").check()
    page.get_by_label("Send at").fill(f"{later:%Y-%m-%dT%H:%M}")
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_load_state()
    assert_good_page(page)
    page.get_by_role("link", name="Change the message").click()
    page.wait_for_load_state()
    assert_good_page(page)
    page.get_by_label("Subject in Dutch").fill("Ouderavond verzet")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", name="Ouderavond verzet").count() == 1
    assert ParentMessage.objects.get().subject_nl == "Ouderavond verzet"
    assert not Notification.objects.exists()  # not before its time
