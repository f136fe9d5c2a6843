"""The hero's pages: offers waiting for an answer, coming visits, and the answers themselves.
Only heroes see the list (403 for anyone else); another hero's offer or visit is a 404."""

import datetime as dt

import pytest
from django.urls import reverse

from heroes.models import Topic
from notifications.models import Notification
from scheduler import services
from scheduler.forms.hero import DeclineForm
from scheduler.models import MatchingRun, Offer, SessionRequest, Visit
from tests import factories
from tests.clock import NOW
from tests.helpers import login
from tests.scheduler.conftest import make_hero, make_request

LIST = reverse("scheduler:hero-offers")


# --- the list ----------------------------------------------------------------------------


def test_hero_sees_a_pending_offer_as_a_card_with_everything_to_decide(
    client, municipality, vo_school, group, vo_staff, hero, kit
):
    topic = Topic.objects.create(municipality=municipality, name="Geld en schulden")
    session_request = make_request(vo_school, group, vo_staff, kind="vr", topic=topic)
    offer = factories.OfferFactory(request=session_request, hero=hero, kit=kit)

    response = login(client, hero.user).get(LIST)

    assert response.status_code == 200
    text = response.text
    assert "Zaanlands Lyceum" in text
    assert group.name in text
    assert "VR game session" in text
    assert "Geld en schulden" in text
    assert "Tuesday 10 November 2026, 10:00\u201311:00" in text  # Amsterdam time
    assert "Kit Noord" in text
    assert "Answer before Wednesday 4 November 09:00 (in 2\xa0days)." in text
    assert reverse("scheduler:offer-accept", args=[offer.pk]) in text
    assert reverse("scheduler:offer-detail", args=[offer.pk]) in text


def test_an_offer_due_within_hours_is_marked_urgent(client, offer, hero, time_machine):
    time_machine.move_to(offer.expires_at - dt.timedelta(hours=5), tick=False)

    text = login(client, hero.user).get(LIST).text

    assert "Answer soon" in text
    assert "(in 5\xa0hours)" in text


def test_an_offer_past_its_deadline_is_not_offered_for_an_answer(client, offer, hero, time_machine):
    time_machine.move_to(offer.expires_at + dt.timedelta(minutes=1), tick=False)

    text = login(client, hero.user).get(LIST).text

    assert reverse("scheduler:offer-accept", args=[offer.pk]) not in text
    assert "No offers are waiting for you right now." in text


def test_coming_visits_show_address_kit_and_a_way_to_withdraw(
    client, vo_school, group, vo_staff, hero
):
    visit = factories.VisitFactory(request=make_request(vo_school, group, vo_staff), hero=hero)

    text = login(client, hero.user).get(LIST).text

    assert "Your coming visits" in text
    assert vo_school.address in text
    assert "I can no longer come" in text
    assert reverse("scheduler:visit-withdraw", args=[visit.pk]) in text
    assert f'id="withdraw-{visit.pk}-reason"' in text
    assert f'for="withdraw-{visit.pk}-reason"' in text


def test_empty_list_explains_what_happens_next(client, hero):
    text = login(client, hero.user).get(LIST).text

    assert "No offers are waiting for you right now." in text
    assert "up to 48 hours to answer" in text
    assert "You have no visits planned yet." in text


def test_list_links_to_availability_and_shows_the_vog(client, hero):
    text = login(client, hero.user).get(LIST).text

    assert reverse("heroes:my_availability") in text
    assert "Valid until 1 January 2028" in text


def test_list_warns_when_the_vog_has_expired(client, municipality):
    hero = make_hero(municipality, vog_until=dt.date(2026, 10, 1))

    text = login(client, hero.user).get(LIST).text

    assert "Expired on 1 October 2026" in text
    assert "Without a valid VOG we cannot offer you visits." in text


def test_other_heroes_offers_are_not_listed(client, vo_school, group, vo_staff, other_hero, hero):
    factories.OfferFactory(request=make_request(vo_school, group, vo_staff), hero=other_hero)

    text = login(client, hero.user).get(LIST).text

    assert "No offers are waiting for you right now." in text


@pytest.mark.parametrize("who", ["coordinator", "staff", "parent"])
def test_people_who_are_not_heroes_get_403_on_the_list(client, request, who):
    response = login(client, request.getfixturevalue(who)).get(LIST)

    assert response.status_code == 403


def test_anonymous_is_sent_to_login(client, offer):
    for url in (LIST, reverse("scheduler:offer-detail", args=[offer.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    response = client.post(reverse("scheduler:offer-accept", args=[offer.pk]))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


def test_list_query_count_does_not_grow(client, vo_school, group, vo_staff, hero, count_queries):
    login(client, hero.user)
    hours = iter(range(9, 15))  # visits one after another at the same school never clash

    def build(n):
        for _ in range(n):
            hour = next(hours)
            factories.VisitFactory(
                request=make_request(vo_school, group, vo_staff, hours=(hour, hour + 1)), hero=hero
            )
            factories.OfferFactory(request=make_request(vo_school, group, vo_staff), hero=hero)
        return count_queries(lambda: client.get(LIST))

    assert build(1) == build(3)


# --- one offer ---------------------------------------------------------------------------


def test_detail_shows_all_details_and_both_forms(client, vo_school, group, vo_staff, hero):
    session_request = make_request(
        vo_school, group, vo_staff, language="tr", notes="Please bring photos.", hours=(10, 11)
    )
    offer = factories.OfferFactory(request=session_request, hero=hero)

    response = login(client, hero.user).get(reverse("scheduler:offer-detail", args=[offer.pk]))

    assert response.status_code == 200
    text = response.text
    assert vo_school.address in text
    assert "Please bring photos." in text
    assert "24 pupils" in text
    assert "Turkish" in text
    assert "Local Hero visit" in text
    assert reverse("scheduler:offer-accept", args=[offer.pk]) in text
    assert reverse("scheduler:offer-decline", args=[offer.pk]) in text
    # The reasons are one radio group: a fieldset whose legend asks the question.
    assert "<legend>Why can you not take this visit?</legend>" in text
    assert 'for="decline-code_0"' in text and 'value="personal"' in text
    assert 'for="decline-reason"' in text
    assert "Anything else the coordinator should know?" in text


def test_detail_of_an_answered_offer_shows_its_state_and_no_answer_forms(client, offer, hero):
    services.offer_decline(offer=offer, code="other", reason="", now=NOW)

    text = login(client, hero.user).get(reverse("scheduler:offer-detail", args=[offer.pk])).text

    assert "You said you cannot come." in text
    assert reverse("scheduler:offer-accept", args=[offer.pk]) not in text


def test_detail_of_an_accepted_offer_offers_to_withdraw(client, offer, hero):
    visit = services.offer_accept(offer=offer, now=NOW)

    text = login(client, hero.user).get(reverse("scheduler:offer-detail", args=[offer.pk])).text

    assert "You accepted this visit." in text
    assert reverse("scheduler:visit-withdraw", args=[visit.pk]) in text


@pytest.mark.parametrize("who", ["other_hero", "staff", "coordinator"])
def test_someone_elses_offer_is_a_404_and_stays_pending(client, request, offer, who):
    user = request.getfixturevalue(who)
    client = login(client, getattr(user, "user", user))

    assert client.get(reverse("scheduler:offer-detail", args=[offer.pk])).status_code == 404
    assert client.post(reverse("scheduler:offer-accept", args=[offer.pk])).status_code == 404
    decline = reverse("scheduler:offer-decline", args=[offer.pk])
    assert client.post(decline, {"code": "time", "reason": "x"}).status_code == 404
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


# --- accept ------------------------------------------------------------------------------


def test_accept_confirms_the_visit_and_tells_the_school(client, offer, hero, vo_staff):
    response = login(client, hero.user).post(
        reverse("scheduler:offer-accept", args=[offer.pk]), follow=True
    )

    assert response.redirect_chain[-1][0] == LIST
    assert "Thank you, the visit is confirmed. The school has been told." in response.text
    visit = Visit.objects.get(offer=offer)
    assert visit.hero == hero and visit.status == Visit.Status.CONFIRMED
    offer.request.refresh_from_db()
    assert offer.request.status == SessionRequest.Status.CONFIRMED
    assert Notification.objects.filter(
        kind="scheduler:school_visit_confirmed", recipient=vo_staff
    ).exists()


def test_accept_is_post_only(client, offer, hero):
    response = login(client, hero.user).get(reverse("scheduler:offer-accept", args=[offer.pk]))

    assert response.status_code == 405


def test_accepting_an_expired_offer_is_refused_and_changes_nothing(
    client, offer, hero, time_machine
):
    time_machine.move_to(offer.expires_at + dt.timedelta(minutes=1), tick=False)

    response = login(client, hero.user).post(
        reverse("scheduler:offer-accept", args=[offer.pk]), follow=True
    )

    assert "The time to answer this offer has passed." in response.text
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING
    assert not Visit.objects.exists()


def test_accepting_twice_is_refused_the_second_time(client, offer, hero):
    client = login(client, hero.user)
    url = reverse("scheduler:offer-accept", args=[offer.pk])
    client.post(url)

    response = client.post(url, follow=True)

    assert "This offer has already been answered or withdrawn." in response.text
    assert Visit.objects.filter(offer=offer).count() == 1


# --- decline -----------------------------------------------------------------------------


def test_decline_opens_the_request_again_and_queues_a_new_run(
    client, offer, hero, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, hero.user).post(
            reverse("scheduler:offer-decline", args=[offer.pk]),
            {"code": "time", "reason": "  Dan  ben ik op vakantie "},
            follow=True,
        )

    assert "We will ask another hero for this class." in response.text
    offer.refresh_from_db()
    assert offer.status == Offer.Status.DECLINED
    assert offer.decline_code == Offer.DeclineCode.TIME
    assert offer.decline_reason == "Dan ben ik op vakantie"
    assert MatchingRun.objects.filter(trigger=MatchingRun.Trigger.DECLINE).exists()
    offer.request.refresh_from_db()
    # The run found nobody else (only this hero, who declined): the request stays open.
    assert offer.request.status == SessionRequest.Status.OPEN


def test_decline_with_a_chosen_reason_and_no_words_is_fine(client, offer, hero):
    login(client, hero.user).post(
        reverse("scheduler:offer-decline", args=[offer.pk]), {"code": "busy"}
    )

    offer.refresh_from_db()
    assert offer.status == Offer.Status.DECLINED
    assert (offer.decline_code, offer.decline_reason) == (Offer.DeclineCode.BUSY, "")


@pytest.mark.parametrize("code", [None, "", "holiday"])
def test_decline_without_a_chosen_reason_shows_the_form_again_and_keeps_the_words(
    client, offer, hero, code
):
    data = {"reason": "Dan werk ik"} | ({} if code is None else {"code": code})

    response = login(client, hero.user).post(
        reverse("scheduler:offer-decline", args=[offer.pk]), data
    )

    assert response.status_code == 200
    assert '<ul class="errorlist" id="decline-code_error">' in response.text
    assert "Choose the reason that fits best." in response.text
    assert "Dan werk ik</textarea>" in response.text
    offer.refresh_from_db()
    assert (offer.status, offer.decline_code) == (Offer.Status.PENDING, "")


@pytest.mark.usefixtures("in_english")
def test_the_decline_form_needs_one_of_the_reasons():
    assert DeclineForm({"reason": "Te ver"}).errors == {
        "code": ["Choose the reason that fits best."]
    }
    assert DeclineForm({"code": "distance"}).is_valid()
    assert list(DeclineForm().fields) == ["code", "reason"]


def test_a_too_long_decline_reason_shows_the_form_again_and_changes_nothing(client, offer, hero):
    response = login(client, hero.user).post(
        reverse("scheduler:offer-decline", args=[offer.pk]), {"code": "time", "reason": "x" * 301}
    )

    assert response.status_code == 200
    assert "errorlist" in response.text
    assert "at most 300 characters" in response.text
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


def test_declining_an_answered_offer_is_refused(client, offer, hero):
    services.offer_accept(offer=offer, now=NOW)

    response = login(client, hero.user).post(
        reverse("scheduler:offer-decline", args=[offer.pk]),
        {"code": "time", "reason": ""},
        follow=True,
    )

    assert "This offer has already been answered or withdrawn." in response.text
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED


# --- withdraw ----------------------------------------------------------------------------


def test_withdraw_cancels_the_visit_and_tells_the_school(client, visit, hero, vo_staff):
    response = login(client, hero.user).post(
        reverse("scheduler:visit-withdraw", args=[visit.pk]),
        {"reason": "Mijn dochter is ziek"},
        follow=True,
    )

    assert "The visit is cancelled." in response.text
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED
    assert visit.cancel_reason == "Mijn dochter is ziek"
    assert visit.sequence == 1
    visit.request.refresh_from_db()
    assert visit.request.status == SessionRequest.Status.OPEN
    assert Notification.objects.filter(
        kind="scheduler:school_visit_withdrawn", recipient=vo_staff
    ).exists()


def test_withdraw_needs_a_reason_and_goes_back(client, visit, hero):
    detail = reverse("scheduler:offer-detail", args=[visit.offer_id])

    response = login(client, hero.user).post(
        reverse("scheduler:visit-withdraw", args=[visit.pk]), {"reason": "  ", "next": detail}
    )

    assert response.status_code == 302
    assert response["Location"] == detail
    assert "Tell the school why you cannot come." in client.get(detail).text
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CONFIRMED


def test_withdraw_never_goes_back_to_another_site(client, visit, hero):
    response = login(client, hero.user).post(
        reverse("scheduler:visit-withdraw", args=[visit.pk]),
        {"reason": "", "next": "https://evil.example/"},
    )

    assert response["Location"] == LIST


def test_a_started_visit_cannot_be_withdrawn(client, visit, hero, time_machine):
    time_machine.move_to(visit.starts_at + dt.timedelta(minutes=5), tick=False)
    client = login(client, hero.user)

    response = client.post(
        reverse("scheduler:visit-withdraw", args=[visit.pk]), {"reason": "Stuck"}, follow=True
    )

    assert "This visit has already started." in response.text
    assert "This visit is taking place now." in response.text
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CONFIRMED


@pytest.mark.parametrize("who", ["other_hero", "vo_staff", "parent"])
def test_someone_elses_visit_cannot_be_withdrawn(client, request, visit, who):
    user = request.getfixturevalue(who)

    response = login(client, getattr(user, "user", user)).post(
        reverse("scheduler:visit-withdraw", args=[visit.pk]), {"reason": "No"}
    )

    assert response.status_code == 404
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CONFIRMED


def test_hero_with_a_school_role_still_sees_only_their_own_offers(
    client, vo_school, group, vo_staff, hero, other_hero
):
    factories.StaffMembershipFactory(user=hero.user, school=vo_school)
    factories.give_mfa(hero.user)
    theirs = factories.OfferFactory(
        request=make_request(vo_school, group, vo_staff), hero=other_hero
    )
    mine = factories.OfferFactory(
        request=make_request(vo_school, group, vo_staff, hours=(13, 14)), hero=hero
    )

    text = login(client, hero.user).get(LIST).text

    assert reverse("scheduler:offer-detail", args=[mine.pk]) in text
    assert reverse("scheduler:offer-detail", args=[theirs.pk]) not in text
