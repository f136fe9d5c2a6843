"""The family pages for an activity and its enrolment: the sessions, enrolling (siblings,
waiting list, lottery choices, refusals), answering an offered place, and my enrolments."""

import datetime as dt
import html

import pytest
from django.urls import reverse

from activities import selectors, services
from activities.models import Activity, Child, Enrolment, Occurrence
from tests import factories
from tests.activities.helpers import child_form, enrol, enrol_on_page
from tests.clock import ENROLLING as NOW
from tests.helpers import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrolling")]


# Activity detail and enrolling


def test_detail_shows_sessions_with_cancelled_ones_marked(client, parent, school):
    activity = factories.ActivityFactory(school=school)
    services.occurrences_regenerate(activity=activity, today=NOW.date())
    session = activity.occurrences.first()
    services.occurrence_cancel(occurrence=session, reason="Studiedag", now=NOW)
    response = login(client, parent).get(reverse("activities:browse_detail", args=[activity.pk]))
    assert response.status_code == 200
    assert Occurrence.objects.filter(activity=activity).count() > 1
    assert "Cancelled" in response.text
    assert "Studiedag" in response.text
    assert "Open now" in response.text


def test_detail_explains_which_children_do_not_fit(client, parent, school):
    activity = factories.ActivityFactory(school=school, grade_min=3, grade_max=8)
    fits = factories.ChildFactory(guardian=parent, school=school, grade=5, first_name="Sara")
    too_young = factories.ChildFactory(guardian=parent, school=school, grade=1, first_name="Lotte")
    response = login(client, parent).get(reverse("activities:browse_detail", args=[activity.pk]))
    field = response.context["form"]["children"]
    disabled = {w.data["value"].value for w in field.subwidgets if w.data["attrs"].get("disabled")}
    assert disabled == {too_young.pk}
    assert "Lotte (this activity is for grade 3 to 8)" in response.text
    assert fits.first_name in response.text


def test_draft_activity_is_not_found(client, parent, school):
    draft = factories.ActivityFactory(school=school, status="draft")
    url = reverse("activities:browse_detail", args=[draft.pk])
    assert login(client, parent).get(url).status_code == 404


def test_enrolling_in_an_id_longer_than_any_key_is_not_found(client, parent, school):
    child = factories.ChildFactory(guardian=parent, school=school)
    url = reverse("activities:browse_detail", args=[10**25])
    response = login(client, parent).post(url, {"children": [child.pk]})
    assert response.status_code == 404


def test_happy_path_enrol_waitlist_cancel_offer_accept(client, parent, school):
    """One place: the first child gets it, the next waits; a cancellation becomes an offer
    that the other family accepts."""
    activity = factories.ActivityFactory(school=school, capacity=1, title="Judo")
    login(client, parent).post(reverse("activities:child_add"), child_form(school))
    first = Child.objects.get(guardian=parent)

    response = enrol_on_page(client, activity, first)
    assert "Good news: Noor has a place at Judo." in response.text

    other = factories.parent()
    second = factories.ChildFactory(guardian=other, school=school, first_name="Milan")
    response = enrol_on_page(login(client, other), activity, second)
    assert "Milan is number 1 on the waiting list" in response.text
    mine = client.get(reverse("activities:my_enrolments"))
    assert "On the waiting list, number 1" in mine.text

    place = Enrolment.objects.get(child=first)
    login(client, parent)
    cancel_url = reverse("activities:my_enrolment_cancel", args=[place.pk])
    assert "Do you want to cancel" in client.get(cancel_url).text
    client.post(cancel_url)
    place.refresh_from_db()
    assert place.status == Enrolment.Status.CANCELLED

    offer = Enrolment.objects.get(child=second)
    page = login(client, other).get(reverse("activities:my_enrolments"))
    assert "A place is free: please answer" in page.text
    assert reverse("activities:my_offer_accept", args=[offer.pk]) in page.text
    response = client.post(reverse("activities:my_offer_accept", args=[offer.pk]), follow=True)
    assert "Milan now has a place at Judo" in response.text
    offer.refresh_from_db()
    assert offer.status == Enrolment.Status.CONFIRMED


def test_declining_an_offer_passes_the_place_on(client, parent, school):
    activity = factories.ActivityFactory(school=school, capacity=1)
    offered = factories.EnrolmentFactory(
        activity=activity,
        child=factories.ChildFactory(guardian=parent, school=school),
        status="offered",
        offer_expires_at=NOW + dt.timedelta(hours=48),
    )
    Activity.objects.filter(pk=activity.pk).update(seats_taken=1)
    next_one = factories.EnrolmentFactory(activity=activity, status="waitlisted")
    url = reverse("activities:my_offer_decline", args=[offered.pk])
    page = login(client, parent).get(reverse("activities:my_enrolments")).text
    assert f'href="{url}"' in page  # a link to the confirmation, not a form that declines

    confirm = client.get(url)
    assert "goes to the next child on the waiting list" in confirm.text
    offered.refresh_from_db()
    assert offered.status == Enrolment.Status.OFFERED  # asking is not declining

    response = client.post(url, follow=True)
    assert "You said no to the place" in response.text
    offered.refresh_from_db()
    next_one.refresh_from_db()
    assert offered.status == Enrolment.Status.DECLINED
    assert next_one.status == Enrolment.Status.OFFERED


def test_an_expired_offer_cannot_be_accepted(client, parent, school):
    activity = factories.ActivityFactory(school=school, capacity=1, seats_taken=1)
    offered = factories.EnrolmentFactory(
        activity=activity,
        child=factories.ChildFactory(guardian=parent, school=school),
        status="offered",
        offer_expires_at=NOW - dt.timedelta(minutes=1),
    )
    url = reverse("activities:my_offer_accept", args=[offered.pk])
    response = login(client, parent).post(url, follow=True)
    assert "This offer has expired or was already answered." in response.text
    offered.refresh_from_db()
    assert offered.status == Enrolment.Status.OFFERED


def test_offer_answers_need_post(client, parent, school):
    offered = factories.EnrolmentFactory(
        child=factories.ChildFactory(guardian=parent, school=school),
        status="offered",
        offer_expires_at=NOW + dt.timedelta(hours=1),
    )
    url = reverse("activities:my_offer_accept", args=[offered.pk])
    assert login(client, parent).get(url).status_code == 405


def test_declining_a_closed_offer_is_not_asked(client, parent, school):
    offered = factories.EnrolmentFactory(
        child=factories.ChildFactory(guardian=parent, school=school),
        status="offered",
        offer_expires_at=NOW - dt.timedelta(minutes=1),
    )
    url = reverse("activities:my_offer_decline", args=[offered.pk])
    response = login(client, parent).get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("activities:my_enrolments")
    assert "This offer has expired or was already answered." in response.text


def test_siblings_ticked_together_are_enrolled_together(client, parent, school):
    activity = factories.ActivityFactory(school=school, capacity=2)
    one, two = (
        factories.ChildFactory(guardian=parent, school=school),
        factories.ChildFactory(guardian=parent, school=school),
    )
    response = enrol_on_page(login(client, parent), activity, one, two)
    assert response.text.count("Has a place") == 2
    groups = set(Enrolment.objects.values_list("sibling_group", flat=True))
    assert len(groups) == 1
    assert None not in groups


def test_a_full_activity_puts_the_child_on_the_waiting_list(client, parent, school):
    activity = factories.ActivityFactory(school=school, capacity=1, seats_taken=1)
    factories.EnrolmentFactory(activity=activity, status="waitlisted")
    response = enrol_on_page(
        login(client, parent),
        activity,
        factories.ChildFactory(guardian=parent, school=school, first_name="Ali"),
    )
    assert "Ali is number 2 on the waiting list" in response.text


def test_lottery_with_several_activities_asks_for_the_choice(client, parent, school):
    activity = factories.LotteryActivityFactory(school=school)
    factories.LotteryActivityFactory(school=school, lottery_round=activity.lottery_round)
    child = factories.ChildFactory(guardian=parent, school=school)
    login(client, parent)
    page = client.get(reverse("activities:browse_detail", args=[activity.pk]))
    assert 'name="choice_rank"' in page.text
    response = enrol_on_page(client, activity, child, choice_rank=2)
    assert "Places are drawn by lot" in response.text
    enrolment = Enrolment.objects.get(child=child)
    assert (enrolment.status, enrolment.choice_rank) == (Enrolment.Status.APPLIED, 2)


def test_a_lottery_on_its_own_asks_no_choice(client, parent, school):
    activity = factories.LotteryActivityFactory(school=school)
    factories.ChildFactory(guardian=parent, school=school)
    page = login(client, parent).get(reverse("activities:browse_detail", args=[activity.pk]))
    assert 'name="choice_rank"' not in page.text


def _overlapping_activity(school, parent_child):
    taken = factories.ActivityFactory(school=school, title="Schaken")
    factories.EnrolmentFactory(activity=taken, child=parent_child)
    return factories.ActivityFactory(
        school=school, start_time=dt.time(15, 0), end_time=dt.time(16, 0)
    )


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("closed", "Enrolment for this activity is not open now."),
        ("grade", "This activity is not for your child's school type or grade."),
        ("overlap", "already has another activity at that time: Schaken, every Wednesday"),
        ("duplicate", "Your child is already enrolled or waiting for this activity."),
    ],
)
def test_refusals_show_the_reason_and_change_nothing(client, parent, school, case, message):
    child = factories.ChildFactory(guardian=parent, school=school, grade=5)
    activity = {
        "closed": lambda: factories.ActivityFactory(
            school=school, enrolment_closes_at=NOW - dt.timedelta(days=1)
        ),
        "grade": lambda: factories.ActivityFactory(school=school, grade_min=7, grade_max=8),
        "overlap": lambda: _overlapping_activity(school, child),
        "duplicate": lambda: (
            factories.EnrolmentFactory(
                child=child, activity__school=school, status="waitlisted"
            ).activity
        ),
    }[case]()
    before = list(Enrolment.objects.values_list("pk", "status"))
    response = enrol_on_page(login(client, parent), activity, child)
    assert response.status_code == 200
    assert html.escape(message) in response.text
    assert list(Enrolment.objects.values_list("pk", "status")) == before
    activity.refresh_from_db()
    assert activity.seats_taken == 0


def test_a_child_posted_again_from_a_second_tab_is_refused_and_shown_as_enrolled(
    client, parent, school
):
    """The enrol POST does not read the family's enrolments first (the service refuses); the
    page shown after the refusal does, and greys the child out with why."""
    child = factories.ChildFactory(guardian=parent, school=school, first_name="Sem")
    activity = factories.ActivityFactory(school=school)
    client = login(client, parent)
    first = enrol_on_page(client, activity, child)
    assert first.redirect_chain[-1][0].startswith(reverse("activities:enrol_result"))

    response = enrol_on_page(client, activity, child)  # the second tab, still showing the form

    assert response.status_code == 200
    assert html.escape("Your child is already enrolled or waiting for this activity.") in (
        response.text
    )
    field = response.context["form"]["children"]
    disabled = {w.data["value"].value for w in field.subwidgets if w.data["attrs"].get("disabled")}
    assert disabled == {child.pk}
    assert "Sem (already enrolled: Confirmed)" in response.text
    assert Enrolment.objects.filter(child=child).count() == 1


def test_enrolling_without_ticking_a_child_asks_for_one(client, parent, school):
    activity = factories.ActivityFactory(school=school)
    factories.ChildFactory(guardian=parent, school=school)
    response = enrol_on_page(login(client, parent), activity)
    assert "Tick at least one child." in response.text
    assert not Enrolment.objects.exists()


# My enrolments


def test_my_enrolments_groups_per_child_and_folds_ended_ones(client, parent, school):
    child = factories.ChildFactory(guardian=parent, school=school, first_name="Yara")
    live = factories.EnrolmentFactory(child=child, activity__title="Dansen")
    factories.EnrolmentFactory(child=child, activity__title="Koken", status="cancelled")
    response = login(client, parent).get(reverse("activities:my_enrolments"))
    text = response.text
    assert "Yara" in text
    assert "Has a place" in text
    details = text[text.index('<details class="card"') :]
    assert "Koken" in details
    assert "Dansen" not in details
    assert reverse("activities:my_enrolment_cancel", args=[live.pk]) in text


def test_cancelling_twice_says_it_was_already_cancelled(client, parent, school):
    enrolment = factories.EnrolmentFactory(
        child=factories.ChildFactory(guardian=parent, school=school), status="cancelled"
    )
    url = reverse("activities:my_enrolment_cancel", args=[enrolment.pk])
    response = login(client, parent).post(url, follow=True)
    assert "This enrolment was already cancelled or ended." in response.text


def _family(parent, school, n: int) -> None:
    for i in range(n):
        child = factories.ChildFactory(guardian=parent, school=school)
        activity = factories.ActivityFactory(school=school, capacity=1, seats_taken=1)
        factories.EnrolmentFactory(activity=activity, status="confirmed")
        factories.EnrolmentFactory(activity=activity, status="waitlisted")
        factories.EnrolmentFactory(child=child, activity=activity, status="waitlisted")
        factories.EnrolmentFactory(
            child=child,
            activity__school=school,
            activity__weekday=i % 5,
            status="offered",
            offer_expires_at=NOW + dt.timedelta(hours=5),
        )
        factories.EnrolmentFactory(child=child, activity__school=school, status="cancelled")


def test_my_enrolments_query_count_does_not_grow_with_the_family(
    client, parent, school, count_queries
):
    login(client, parent)
    url = reverse("activities:my_enrolments")
    _family(parent, school, 2)
    small = count_queries(lambda: client.get(url))
    _family(parent, school, 6)
    large = count_queries(lambda: client.get(url))
    assert small == large
    assert client.get(url).text.count("On the waiting list, number 2") == 8


def test_the_enrol_pages_prepared_reads_answer_as_the_selectors_querysets(parent, school):
    """own_children and active_enrolments_in are prepared (the enrol page reads them on every
    post): the same rows, with their related objects, as children_of and enrolments_of."""
    activity = factories.ActivityFactory(school=school, capacity=1)
    kids = factories.ChildFactory.create_batch(3, guardian=parent, school=school)
    stranger = factories.ChildFactory(school=school)
    for child in (*kids[:2], stranger):
        enrol(activity, child)  # a place, the waiting list, and another family's
    services.enrolment_cancel(enrolment=Enrolment.objects.get(child=kids[1]), now=NOW)
    enrol(activity, kids[1])  # ended, then enrolled again

    own = selectors.own_children(parent)
    current = selectors.active_enrolments_in(parent, activity)

    assert own == list(selectors.children_of(parent))
    assert [c.school.name for c in own] == [c.school.name for c in selectors.children_of(parent)]
    expected = selectors.enrolments_of(parent).filter(
        activity=activity, status__in=Enrolment.ACTIVE
    )
    assert current == list(expected)
    assert [(e.child.first_name, e.activity.school.name, e.status) for e in current] == [
        (e.child.first_name, e.activity.school.name, e.status) for e in expected
    ]
    assert len(current) == 2
