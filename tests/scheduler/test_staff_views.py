"""School staff's pages for session requests: the list, a new request, the details, cancelling
and asking for other times. Runs on Monday 2 November 2026, 09:00 (tests/scheduler/conftest)."""

import datetime as dt

import pytest
from django.urls import reverse

from heroes.models import Topic
from notifications.models import Notification
from scheduler import services
from scheduler.matching import model as m
from scheduler.models import RequestWindow, SessionRequest, Visit
from tests import factories
from tests.clock import LOCAL_TZ, NOW, TUESDAY, at
from tests.helpers import login
from tests.scheduler.conftest import make_request

pytestmark = pytest.mark.django_db

LIST = reverse("scheduler:request-list")
CREATE = reverse("scheduler:request-create")
DASH = "\N{EN DASH}"  # between times, as the pages write them


def detail_url(session_request):
    return reverse("scheduler:request-detail", args=[session_request.pk])


def cancel_url(session_request):
    return reverse("scheduler:request-cancel", args=[session_request.pk])


def reschedule_url(session_request):
    return reverse("scheduler:request-reschedule", args=[session_request.pk])


def windows_data(*rows) -> dict:
    """The preferred-time rows as the page posts them: three rows, blank ones empty."""
    data = {
        "windows-TOTAL_FORMS": "3",
        "windows-INITIAL_FORMS": "0",
        "windows-MIN_NUM_FORMS": "0",
        "windows-MAX_NUM_FORMS": "10",
    }
    for i, (day, starts, ends) in enumerate(rows):
        data.update(
            {f"windows-{i}-day": day, f"windows-{i}-starts": starts, f"windows-{i}-ends": ends}
        )
    return data


def form_data(group, *rows, **overrides) -> dict:
    rows = rows or [("2026-11-10", "10:00", "12:00")]
    data = {
        "group": str(group.pk),
        "kind": "hero",
        "topic": "",
        "language": "nl",
        "duration_min": "60",
        "notes": "Klas werkt aan een project over pesten.",
        **windows_data(*rows),
    }
    return {**data, **overrides}


# The list


def test_list_shows_staff_their_schools_requests_only(client, open_request, vo_staff, other_staff):
    foreign_group = factories.GroupFactory(
        school=other_staff.staff_memberships.get().school, name="Vreemde klas"
    )
    make_request(foreign_group.school, foreign_group, other_staff)

    response = login(client, vo_staff).get(LIST)

    assert response.status_code == 200
    assert open_request.group.name in response.text
    assert "Vreemde klas" not in response.text
    assert "Looking for a hero" in response.text
    assert f"Tue 10 Nov 2026 10:00{DASH}12:00" in response.text
    assert CREATE in response.text


def test_list_shows_a_coordinator_their_municipality_without_a_new_button(
    client, open_request, coordinator, outsider_coordinator
):
    response = login(client, coordinator).get(LIST)
    assert open_request.group.name in response.text
    assert CREATE not in response.text

    response = login(client, outsider_coordinator).get(LIST)
    assert response.status_code == 200
    assert open_request.group.name not in response.text


def test_list_shows_the_confirmed_date_and_hero(client, open_request, vo_staff, hero):
    factories.VisitFactory(request=open_request, hero=hero)
    response = login(client, vo_staff).get(LIST)
    assert "Confirmed" in response.text
    assert f"Tue 10 Nov 2026 10:00{DASH}11:00" in response.text
    assert f"with {hero.display_name}" in response.text


def test_list_filters_by_status(client, vo_school, group, vo_staff, open_request):
    other_group = factories.GroupFactory(school=vo_school, name="Klas 3c")
    cancelled = make_request(vo_school, other_group, vo_staff)
    services.request_cancel(session_request=cancelled, now=NOW)

    response = login(client, vo_staff).get(LIST, {"status": "cancelled"})

    assert "Klas 3c" in response.text
    assert group.name not in response.text


def test_an_empty_list_explains_what_a_request_is(client, vo_staff):
    response = login(client, vo_staff).get(LIST)
    assert "With a request you ask for a Local Hero visit" in response.text


def test_list_is_forbidden_without_a_school_role(client, parent, hero):
    assert login(client, parent).get(LIST).status_code == 403
    assert login(client, hero.user).get(LIST).status_code == 403


def test_list_sends_anonymous_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_list_paginates_by_25(client, vo_school, group, vo_staff):
    for _ in range(26):
        make_request(vo_school, group, vo_staff)
    response = login(client, vo_staff).get(LIST)
    assert len(response.context["page_obj"].object_list) == 25
    assert "Page 1 of 2" in response.text


def test_list_query_count_does_not_grow(client, vo_school, group, vo_staff, hero, count_queries):
    login(client, vo_staff)

    def build(n):
        for i in range(n):
            session_request = make_request(vo_school, group, vo_staff, hours=(10, 12))
            if i % 2:
                services.request_cancel(session_request=session_request, reason="", now=NOW)
        return count_queries(lambda: client.get(LIST))

    first = build(2)
    factories.VisitFactory(request=SessionRequest.objects.filter(status="open").first(), hero=hero)
    assert first == build(8)


# A new request


def test_create_page_shows_this_years_groups_with_pupils(client, vo_school, group, vo_staff):
    factories.GroupFactory(school=vo_school, name="Oude klas", school_year="2025-2026")
    response = login(client, vo_staff).get(CREATE)
    assert response.status_code == 200
    assert f"{group.name} (24 pupils)" in response.text
    assert "Oude klas" not in response.text
    assert 'name="school"' not in response.text  # one school: implicit
    assert 'type="date" name="windows-2-day"' in response.text
    assert 'type="time" name="windows-0-starts"' in response.text


def test_create_happy_path_goes_to_the_details(client, vo_school, group, vo_staff, municipality):
    topic = Topic.objects.create(municipality=municipality, name="Pesten")
    data = form_data(
        group,
        ("2026-11-10", "10:00", "12:00"),
        ("2026-11-12", "13:00", "15:00"),
        topic=str(topic.pk),
        language="en",
        duration_min="90",
    )
    response = login(client, vo_staff).post(CREATE, data, follow=True)

    session_request = SessionRequest.objects.get()
    assert response.redirect_chain == [(detail_url(session_request), 302)]
    assert "Matching looks for a hero every few minutes" in response.text
    assert (
        session_request.school,
        session_request.group,
        session_request.kind,
        session_request.topic,
    ) == (vo_school, group, "hero", topic)
    assert (session_request.language, session_request.duration_min, session_request.class_size) == (
        "en",
        90,
        24,
    )
    assert session_request.requested_by == vo_staff
    windows = [(w.starts_at, w.ends_at) for w in session_request.windows.all()]
    assert windows == [
        (at(TUESDAY, 10), at(TUESDAY, 12)),
        (at(dt.date(2026, 11, 12), 13), at(dt.date(2026, 11, 12), 15)),
    ]
    assert "Pesten" in response.text
    assert f"Thursday 12 November 2026, 13:00{DASH}15:00" in response.text
    assert session_request.topic_required is False
    assert 'Pesten <span class="muted">(a wish)</span>' in response.text


def test_create_with_a_required_topic(client, group, vo_staff, municipality):
    topic = Topic.objects.create(municipality=municipality, name="Geld en schulden")
    data = form_data(group, topic=str(topic.pk), topic_required="1")
    response = login(client, vo_staff).post(CREATE, data, follow=True)
    assert SessionRequest.objects.get().topic_required is True
    assert 'Geld en schulden <span class="muted">(required)</span>' in response.text


def test_a_required_topic_without_a_topic_is_a_form_error(client, group, vo_staff):
    data = form_data(group, topic_required="1")
    response = login(client, vo_staff).post(CREATE, data)
    assert response.status_code == 200
    assert "Choose the topic that is required, or say the topic is a wish." in response.text
    assert not SessionRequest.objects.exists()


def test_create_a_vr_session_for_a_vo_school(client, group, vo_staff, kit):
    response = login(client, vo_staff).post(CREATE, form_data(group, kind="vr"))
    assert response.status_code == 302
    assert SessionRequest.objects.get().kind == "vr"


def test_windows_are_dutch_time_across_the_clock_change(client, group, vo_staff):
    # 29 March 2027 is after the switch to summer time: 10:00 there is 08:00 UTC.
    login(client, vo_staff).post(CREATE, form_data(group, ("2027-03-29", "10:00", "11:30")))
    window = RequestWindow.objects.get()
    assert window.starts_at == dt.datetime(2027, 3, 29, 8, 0, tzinfo=dt.UTC)
    assert window.starts_at.astimezone(LOCAL_TZ).hour == 10


BAD_WINDOWS = [
    pytest.param([("2026-11-02", "07:00", "08:30")], "is in the past", id="past"),
    pytest.param([("2026-12-22", "10:00", "12:00")], "holiday or closure", id="holiday"),
    pytest.param([("2026-11-14", "10:00", "12:00")], "in a weekend", id="weekend"),
    pytest.param(
        [("2026-11-10", "10:00", "12:00"), ("2026-11-10", "11:00", "13:00")],
        "Two preferred times overlap",
        id="overlap",
    ),
    pytest.param([("2026-11-10", "10:00", "10:30")], "shorter than the session", id="short"),
    pytest.param([("2026-11-10", "12:00", "10:00")], "must end after it starts", id="reversed"),
    pytest.param([], "Give at least one time", id="none"),
    pytest.param(
        [("2026-11-10", "10:00", "")], "Fill in the day, the start and the end", id="partial"
    ),
]


@pytest.mark.parametrize(("rows", "message"), BAD_WINDOWS)
def test_bad_windows_are_refused_and_nothing_is_saved(
    client, municipality, group, vo_staff, rows, message
):
    factories.ClosureFactory(municipality=municipality)
    data = form_data(group, *rows) if rows else form_data(group, ("", "", ""))

    response = login(client, vo_staff).post(CREATE, data)

    assert response.status_code == 200
    assert message in response.text
    assert not SessionRequest.objects.exists()
    assert not RequestWindow.objects.exists()


def test_a_window_error_stands_at_the_top_of_the_preferred_times(client, group, vo_staff):
    response = login(client, vo_staff).post(
        CREATE, form_data(group, ("2026-11-14", "10:00", "12:00"))
    )
    html = response.text
    legend = html.index("Preferred times</legend>")
    assert legend < html.index("in a weekend") < html.index("Time 1</legend>")


def test_a_class_too_big_for_every_kit_is_refused_next_to_the_group(
    client, vo_school, vo_staff, kit
):
    big = factories.GroupFactory(school=vo_school, name="Grote klas", pupils=40)
    response = login(client, vo_staff).post(CREATE, form_data(big, kind="vr"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "No VR kit can serve a class of 40 pupils (at most 30)." in form.errors["group"]
    assert not SessionRequest.objects.exists()


def test_a_primary_school_is_not_offered_vr(client, municipality):
    po_school = factories.SchoolFactory(neighbourhood__municipality=municipality, level="po")
    po_group = factories.GroupFactory(school=po_school)
    po_staff = factories.staff(po_school)
    login(client, po_staff)

    page = client.get(CREATE)
    assert 'value="vr"' not in page.text
    assert "VR game sessions are for secondary schools (VO) only" in page.text

    response = client.post(CREATE, form_data(po_group, kind="vr"))
    assert response.status_code == 200
    assert response.context["form"].errors["kind"] == [
        "VR game sessions are for secondary schools (VO)."
    ]
    assert not SessionRequest.objects.exists()


def test_a_group_of_another_school_is_refused(client, vo_staff, other_staff):
    foreign = factories.GroupFactory(school=other_staff.staff_memberships.get().school)
    response = login(client, vo_staff).post(CREATE, form_data(foreign))
    assert response.status_code == 200
    assert "group" in response.context["form"].errors
    assert not SessionRequest.objects.exists()


def test_staff_of_several_schools_choose_the_school_and_its_group(
    client, vo_school, group, vo_staff, municipality
):
    second = factories.SchoolFactory(neighbourhood__municipality=municipality, name="Het Saen")
    factories.StaffMembershipFactory(user=vo_staff, school=second)
    login(client, vo_staff)

    page = client.get(CREATE)
    assert 'name="school"' in page.text
    assert f"{vo_school.name}: {group.name} (24 pupils)" in page.text

    response = client.post(CREATE, form_data(group, school=str(second.pk)))
    assert response.context["form"].errors["group"] == ["Choose a group of this school."]
    assert not SessionRequest.objects.exists()

    response = client.post(CREATE, form_data(group, school=str(vo_school.pk)))
    assert SessionRequest.objects.get().school == vo_school


def test_create_is_forbidden_for_coordinators_and_parents(client, coordinator, parent):
    assert login(client, coordinator).get(CREATE).status_code == 403
    assert login(client, parent).post(CREATE, {}).status_code == 403


def test_create_sends_anonymous_to_login(client):
    assert client.get(CREATE).status_code == 302


# The details


def test_detail_shows_everything_and_the_forms_to_staff(client, open_request, vo_staff):
    response = login(client, vo_staff).get(detail_url(open_request))
    assert response.status_code == 200
    text = response.text
    assert "Local Hero visit for" in text
    assert f"Tuesday 10 November 2026, 10:00{DASH}12:00" in text
    assert "Any topic" in text
    assert cancel_url(open_request) in text
    assert reschedule_url(open_request) in text
    assert "An offer or a confirmed visit is cancelled" in text


def test_detail_shows_the_reason_no_hero_was_found(client, open_request, vo_staff):
    SessionRequest.objects.filter(pk=open_request.pk).update(unmatched_reason=m.NO_VALID_VOG)
    response = login(client, vo_staff).get(detail_url(open_request))
    assert "Why no hero has been found yet:" in response.text
    assert "certificate of conduct (VOG)" in response.text


def test_detail_shows_the_confirmed_visit_with_hero_and_kit(
    client, vo_school, group, vo_staff, hero, kit
):
    session_request = make_request(vo_school, group, vo_staff, kind="vr")
    factories.VisitFactory(request=session_request, hero=hero, kit=kit)
    response = login(client, vo_staff).get(detail_url(session_request))
    text = response.text
    assert "The visit" in text
    assert hero.display_name in text
    assert f"Tuesday 10 November 2026, 10:00{DASH}11:00" in text
    assert kit.name in text


def test_detail_for_a_coordinator_has_no_forms(client, open_request, coordinator):
    response = login(client, coordinator).get(detail_url(open_request))
    assert response.status_code == 200
    assert cancel_url(open_request) not in response.text
    assert reschedule_url(open_request) not in response.text


def test_detail_of_a_cancelled_request_has_no_forms(client, open_request, vo_staff):
    services.request_cancel(session_request=open_request, now=NOW)
    response = login(client, vo_staff).get(detail_url(open_request))
    assert "stopped" in response.text
    assert cancel_url(open_request) not in response.text


@pytest.mark.parametrize("who", ["other_staff", "outsider_coordinator", "parent"])
def test_detail_is_404_for_outsiders(client, open_request, who, request):
    user = request.getfixturevalue(who)
    assert login(client, user).get(detail_url(open_request)).status_code == 404


def test_detail_sends_anonymous_to_login(client, open_request):
    assert client.get(detail_url(open_request)).status_code == 302


# Cancelling


def test_cancel_a_confirmed_request_cancels_the_visit(client, open_request, vo_staff, hero):
    visit = factories.VisitFactory(request=open_request, hero=hero)
    response = login(client, vo_staff).post(
        cancel_url(open_request), {"reason": "Toetsweek"}, follow=True
    )
    assert "The request is cancelled." in response.text
    open_request.refresh_from_db()
    visit.refresh_from_db()
    assert open_request.status == "cancelled"
    assert (visit.status, visit.cancel_reason) == ("cancelled", "Toetsweek")
    assert Notification.objects.filter(kind="scheduler:visit_cancelled").exists()


def test_cancel_twice_says_it_is_closed(client, open_request, vo_staff):
    services.request_cancel(session_request=open_request, now=NOW)
    response = login(client, vo_staff).post(cancel_url(open_request), {}, follow=True)
    assert "This request has been cancelled or has already taken place." in response.text


def test_cancel_with_a_too_long_reason_shows_the_error(client, open_request, vo_staff):
    response = login(client, vo_staff).post(cancel_url(open_request), {"reason": "x" * 301})
    assert response.status_code == 200
    assert response.context["cancel_form"].errors["reason"]
    open_request.refresh_from_db()
    assert open_request.status == "open"


@pytest.mark.parametrize("who", ["other_staff", "coordinator", "outsider_coordinator"])
def test_cancel_is_404_for_anyone_but_the_schools_staff(client, open_request, who, request):
    user = request.getfixturevalue(who)
    assert login(client, user).post(cancel_url(open_request), {}).status_code == 404
    open_request.refresh_from_db()
    assert open_request.status == "open"


def test_cancel_is_post_only(client, open_request, vo_staff):
    assert login(client, vo_staff).get(cancel_url(open_request)).status_code == 405


# Asking for other times


def test_reschedule_a_confirmed_request_cancels_the_visit_and_looks_again(
    client, open_request, vo_staff, hero
):
    visit = factories.VisitFactory(request=open_request, hero=hero)
    data = windows_data(("2026-11-19", "09:00", "11:00"))
    response = login(client, vo_staff).post(reschedule_url(open_request), data, follow=True)

    assert "matching looks for a hero again" in response.text
    open_request.refresh_from_db()
    visit.refresh_from_db()
    assert (open_request.status, open_request.reschedule_count) == ("open", 1)
    assert visit.status == Visit.Status.CANCELLED
    assert [(w.starts_at, w.ends_at) for w in open_request.windows.all()] == [
        (at(dt.date(2026, 11, 19), 9), at(dt.date(2026, 11, 19), 11))
    ]
    assert Notification.objects.filter(kind="scheduler:visit_cancelled").exists()


def test_reschedule_to_a_weekend_shows_the_error_and_keeps_the_old_times(
    client, open_request, vo_staff
):
    data = windows_data(("2026-11-14", "09:00", "11:00"))
    response = login(client, vo_staff).post(reschedule_url(open_request), data)
    assert response.status_code == 200
    assert "in a weekend" in response.text
    assert [w.starts_at for w in open_request.windows.all()] == [at(TUESDAY, 10)]
    open_request.refresh_from_db()
    assert open_request.reschedule_count == 0


def test_reschedule_without_times_shows_the_error(client, open_request, vo_staff):
    response = login(client, vo_staff).post(reschedule_url(open_request), windows_data())
    assert "Give at least one time" in response.text
    assert open_request.windows.count() == 1


def test_reschedule_of_a_cancelled_request_is_refused(client, open_request, vo_staff):
    services.request_cancel(session_request=open_request, now=NOW)
    data = windows_data(("2026-11-19", "09:00", "11:00"))
    response = login(client, vo_staff).post(reschedule_url(open_request), data, follow=True)
    assert "This request has been cancelled" in response.text
    assert [w.starts_at for w in open_request.windows.all()] == [at(TUESDAY, 10)]


@pytest.mark.parametrize("who", ["other_staff", "coordinator", "outsider_coordinator"])
def test_reschedule_is_404_for_anyone_but_the_schools_staff(client, open_request, who, request):
    user = request.getfixturevalue(who)
    data = windows_data(("2026-11-19", "09:00", "11:00"))
    assert login(client, user).post(reschedule_url(open_request), data).status_code == 404
    assert [w.starts_at for w in open_request.windows.all()] == [at(TUESDAY, 10)]
