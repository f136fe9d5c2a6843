"""A programme administrator adds a municipality and its first coordinator in a real browser
on a phone, in English, Dutch and Arabic (right to left): the list, the form, a name that is
taken, the new municipality in the list and the invitation in the outbox. Sent again after
Back, it is added once. Every page passes axe and fits 360 px."""

import pytest

from accounts.models import Invitation
from notifications.models import Notification
from schools.models import Municipality
from tests import factories

from .helpers import assert_good_page, log_in, person

pytestmark = pytest.mark.django_db(transaction=True)

DIRECTION = {"en": "ltr", "nl": "ltr", "ar": "rtl"}


def _administrator(language: str):
    admin = person(mfa_exempt=True, name="Jeroen Visser")
    admin.language = language
    admin.save(update_fields=["language"])
    factories.ProgrammeMembershipFactory(user=admin, is_admin=True)
    return admin


def _fill(page, name: str) -> None:
    page.locator("input[name=name]").fill(name)
    page.locator("select[name=holiday_region]").select_option("zuid")
    page.locator("textarea[name=neighbourhoods]").fill("Centrum\nWest")
    page.locator("textarea[name=target_neighbourhoods]").fill("Noord")
    page.locator("input[name=coordinator_name]").fill("Noor Bakker")
    page.locator("input[name=coordinator_email]").fill("noor@example.test")


def _send(page) -> None:
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["en", "nl", "ar"])
def test_an_administrator_adds_a_municipality_and_its_coordinator(page, language):
    factories.SchoolFactory(neighbourhood__municipality__name="Tilburg")
    admin = _administrator(language)
    log_in(page, admin.email, factories.PASSWORD)

    page.goto("/programme/municipalities/")
    html = page.locator("html")
    assert html.get_attribute("lang") == language
    assert html.get_attribute("dir") == DIRECTION[language]
    assert "Tilburg" in page.locator("main table").inner_text()
    assert_good_page(page)

    page.locator("a[href='/programme/municipalities/new/']").click()
    page.wait_for_load_state()
    assert_good_page(page)

    # A name that exists (in another case) is refused next to the field.
    _fill(page, "TILBURG")
    _send(page)
    assert page.url.endswith("/programme/municipalities/new/")
    assert page.locator("#id_name_error, .errorlist").first.is_visible()
    assert page.locator("input[name=name]").get_attribute("aria-invalid") == "true"
    assert_good_page(page)

    page.locator("input[name=name]").fill("Maastricht")
    _send(page)
    assert page.url.endswith("/programme/municipalities/")
    assert "Maastricht" in page.locator("main table").inner_text()
    assert page.locator(".message-success").is_visible()
    assert_good_page(page)

    maastricht = Municipality.objects.get(name="Maastricht")
    assert maastricht.neighbourhoods.count() == 3
    invitation = Invitation.objects.get(municipality=maastricht)
    mail = Notification.objects.get(kind="account:invitation")
    assert (mail.to_email, mail.language) == ("noor@example.test", "nl")
    assert f"/accounts/invite/{invitation.token}/" in mail.body_text


def test_sent_again_after_back_it_is_added_once(page):
    admin = _administrator("en")
    log_in(page, admin.email, factories.PASSWORD)
    page.goto("/programme/municipalities/new/")
    _fill(page, "Maastricht")
    _send(page)
    assert page.url.endswith("/programme/municipalities/")

    page.go_back()
    page.wait_for_load_state()
    assert page.locator("input[name=name]").input_value() == "Maastricht"
    assert page.locator("input[name=coordinator_email]").input_value() == "noor@example.test"
    _send(page)

    assert Municipality.objects.filter(name="Maastricht").count() == 1
    assert Notification.objects.filter(kind="account:invitation").count() == 1
    assert page.get_by_text("This form was sent twice; it was saved once.").is_visible()
    assert_good_page(page)


def test_a_programme_member_sees_the_list_without_the_add_button(page):
    member = person(mfa_exempt=True)
    factories.ProgrammeMembershipFactory(user=member)
    log_in(page, member.email, factories.PASSWORD)

    page.goto("/programme/municipalities/")

    assert page.locator("a[href='/programme/municipalities/new/']").count() == 0
    assert page.goto("/programme/municipalities/new/").status == 403
