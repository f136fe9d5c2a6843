"""Why this hero (issue 15): matching keeps on each offer why the hero fits, and the hero, the
school and the request's page say it in the reader's language."""

import pytest
from django.urls import reverse
from django.utils import translation

from heroes.models import Topic
from notifications.models import Notification
from scheduler import queue as run_queue
from scheduler import services
from scheduler.fit_text import why_for_hero, why_for_school
from scheduler.models import MatchingRun, Offer
from scheduler.services import runs
from tests import factories
from tests.clock import NOW, TUESDAY, at
from tests.helpers import API, api_get, login
from tests.scheduler.conftest import make_hero, make_request


@pytest.fixture
def money(municipality):
    return Topic.objects.create(municipality=municipality, name="Geld en schulden")


@pytest.fixture
def dennis(municipality, money, vo_school):
    """Talks about money, speaks Dutch and Turkish, visited the school before."""
    hero = make_hero(municipality, name="Dennis", languages=("nl", "tr"))
    hero.topics.add(money)
    factories.VisitFactory(request=make_request(vo_school, hours=(9, 10)), hero=hero)
    return hero


def run_matching(municipality) -> None:
    run, _created = run_queue.run_request(
        municipality_id=municipality.pk, trigger=MatchingRun.Trigger.MANUAL
    )
    assert runs.run_execute(run.pk, now=NOW).status == MatchingRun.Status.DONE


def test_a_runs_offer_keeps_why_the_hero_fits(municipality, vo_school, vo_staff, money, dennis):
    asked = make_request(vo_school, user=vo_staff, topic=money, language="tr", hours=(13, 15))
    run_matching(municipality)
    offer = Offer.objects.get(request=asked)
    assert offer.fit == ["topic", "language", "before"]


def test_a_hand_made_offer_keeps_why_too(municipality, vo_school, money, dennis, coordinator):
    asked = make_request(vo_school, hours=(13, 15))  # any topic, in Dutch
    offer = runs.offer_assign_manually(
        session_request=asked,
        hero=dennis,
        kit=None,
        starts_at=at(TUESDAY, 13),
        by=coordinator,
        force=False,
        now=NOW,
    )
    assert offer.fit == ["language", "before"]


def test_the_words_leave_out_what_says_nothing(municipality, vo_school, money):
    dutch = make_request(vo_school, topic=money)
    offer = Offer(request=dutch, fit=["topic", "language", "place", "before", "newer"])
    with translation.override("en"):
        assert why_for_school(offer.fit, dutch) == [
            "talks about Geld en schulden",
            "knows the school's neighbourhood",
            "visited your school before",
        ]
        dutch.topic = None  # the topic was taken off the request since
        assert why_for_hero(offer.fit, dutch) == [
            "you know the school's neighbourhood",
            "you visited this school before",
        ]


@pytest.mark.parametrize(
    ("language", "why"),
    [
        (
            "en",
            "Why you: the class asked about Geld en schulden, which you talk about; you speak "
            "Turkish, the language of the visit; you visited this school before.",
        ),
        (
            "nl",
            "Waarom jij: de klas vroeg om Geld en schulden, waarover jij vertelt; jij spreekt "
            "Turks, de taal van het bezoek; je bezocht deze school al eerder.",
        ),
    ],
)
def test_the_hero_reads_why_in_the_offer_mail(
    municipality,
    vo_school,
    vo_staff,
    money,
    dennis,
    mailoutbox,
    language,
    why,
    django_capture_on_commit_callbacks,
):
    dennis.user.language = language
    dennis.user.save()
    make_request(vo_school, user=vo_staff, topic=money, language="tr", hours=(13, 15))
    with django_capture_on_commit_callbacks(execute=True):  # delivery, as a worker would
        run_matching(municipality)
    [mail] = [m for m in mailoutbox if m.to == [dennis.user.email]]
    assert why in mail.body
    assert why in mail.alternatives[0][0]


def test_the_school_reads_why_in_the_confirmation_and_on_its_page(
    client, municipality, vo_school, vo_staff, money, dennis
):
    vo_staff.language = "en"
    vo_staff.save()
    asked = make_request(vo_school, user=vo_staff, topic=money, language="tr", hours=(13, 15))
    run_matching(municipality)
    services.offer_accept(offer=Offer.objects.get(request=asked), now=NOW)

    why = "talks about Geld en schulden; speaks Turkish; visited your school before"
    mail = Notification.objects.get(recipient=vo_staff, kind="scheduler:school_visit_confirmed")
    assert f"Why Dennis: {why}." in mail.body_text
    page = login(client, vo_staff).get(reverse("scheduler:request-detail", args=[asked.pk]))
    assert f"Why Dennis</dt><dd>{why}</dd>" in page.text.replace("\n", "")


def test_the_hero_reads_why_on_the_offer_page(
    client, municipality, vo_school, vo_staff, money, dennis
):
    asked = make_request(vo_school, user=vo_staff, topic=money, hours=(13, 15))
    run_matching(municipality)
    offer = Offer.objects.get(request=asked)
    client = login(client, dennis.user)
    for url in (
        reverse("scheduler:hero-offers"),
        reverse("scheduler:offer-detail", args=[offer.pk]),
    ):
        text = client.get(url).text
        assert "Why you" in text
        assert "the class asked about Geld en schulden, which you talk about" in text


def test_the_coordinator_reads_why_and_the_runs_fit_on_the_board(
    client, municipality, vo_school, vo_staff, money, dennis, coordinator
):
    asked = make_request(vo_school, user=vo_staff, topic=money, language="tr", hours=(13, 15))
    make_request(vo_school, hours=(9, 12))  # any topic: not counted in the run's topic figure
    run_matching(municipality)
    run = MatchingRun.objects.get()
    assert (run.offers_made, run.offers_asking_topic, run.offers_with_topic) == (2, 1, 1)

    coordinator.language = "en"
    coordinator.save()
    text = login(client, coordinator).get(reverse("scheduler:board")).text
    why = "talks about Geld en schulden; speaks Turkish; visited the school before"
    assert why in text
    assert "topic as asked: 1 of 1" in text
    services.offer_accept(offer=Offer.objects.get(request=asked), now=NOW)
    text = client.get(reverse("scheduler:board")).text
    assert why in text  # now in the confirmed visits
    detail = client.get(reverse("scheduler:run-detail", args=[run.pk])).text
    assert "1 of 1 offer for a request with a topic went to a hero who talks about it" in detail


def test_the_api_says_why_to_the_hero_and_to_the_school(
    client, municipality, vo_school, vo_staff, money, dennis
):
    asked = make_request(vo_school, user=vo_staff, topic=money, language="tr", hours=(13, 15))
    run_matching(municipality)
    offer = Offer.objects.get(request=asked)
    dennis.user.language = "en"
    dennis.user.save()
    mine = api_get(login(client, dennis.user), f"{API}/offers/{offer.pk}/").json()
    assert mine["fit"] == ["topic", "language", "before"]
    assert mine["why"] == [
        "the class asked about Geld en schulden, which you talk about",
        "you speak Turkish, the language of the visit",
        "you visited this school before",
    ]

    services.offer_accept(offer=offer, now=NOW)
    vo_staff.language = "en"
    vo_staff.save()
    client.logout()
    theirs = api_get(login(client, vo_staff), f"{API}/session-requests/{asked.pk}/").json()
    assert theirs["visit"]["why"] == [
        "talks about Geld en schulden",
        "speaks Turkish",
        "visited your school before",
    ]
