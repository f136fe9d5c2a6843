"""What the audit trail records when the services create, change and delete the tracked
records: one entry each, with the changed fields (never the churning timestamps and counters)
and the municipality the record belongs to."""

import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry
from auditlog.registry import auditlog

from activities import services
from activities.lottery import lottery_draw
from activities.models import Attendance, Enrolment
from heroes import services as hero_services
from heroes.models import VOGCheck
from scheduler import services as scheduler_services
from scheduler.models import Offer, Visit
from schools.models import CoordinatorMembership, StaffMembership
from schools.services import memberships_end
from tests import factories
from tests.clock import ENROLLING, NOW, TUESDAY, at

from .helpers import child_of, entries, municipality_of, only, place

pytestmark = pytest.mark.django_db

Action = LogEntry.Action
AFTER_CLOSE = factories.CLOSES + dt.timedelta(minutes=1)


def test_the_listed_models_are_registered():
    labels = {model._meta.label_lower for model in auditlog.get_models()}
    assert labels >= {
        "activities.child",
        "activities.enrolment",
        "activities.attendance",
        "scheduler.visit",
        "scheduler.offer",
        "heroes.vogcheck",
        "schools.staffmembership",
        "schools.coordinatormembership",
    }


# --- children ---------------------------------------------------------------------------------


def test_registering_a_child_is_recorded_with_its_municipality(parent, school, municipality):
    child = child_of(parent, school, "Noor")

    entry = only(entries(child))
    assert entry.action == Action.CREATE
    assert entry.object_repr == "Noor"
    assert entry.changes["first_name"] == ["None", "Noor"]
    assert entry.changes["guardian"] == ["None", str(parent.pk)]
    assert "created_at" not in entry.changes
    assert "enrolments" not in entry.changes  # a reverse relation is no field of the child
    assert municipality_of(entry) == municipality.pk


def test_changing_a_child_records_only_what_changed(child, municipality):
    services.child_update(child=child, data={"first_name": "Noortje", "grade": 6})

    entry = only(entries(child, action=Action.UPDATE))
    assert entry.changes == {"first_name": ["Noor", "Noortje"], "grade": ["5", "6"]}
    assert municipality_of(entry) == municipality.pk


def test_saving_a_child_unchanged_records_nothing(child):
    services.child_update(child=child, data={"grade": 5})
    assert entries(child, action=Action.UPDATE) == []


def test_forgetting_a_child_is_recorded(child, enrolment, municipality):
    """The family forgets the child (the service erases or deletes it): the trail says so."""
    services.child_delete(child=child, now=ENROLLING)

    last = entries(child)[-1]
    assert last.action in (Action.UPDATE, Action.DELETE)
    assert municipality_of(last) == municipality.pk
    assert entries(enrolment)[-1].changes["status"] == ["confirmed", "cancelled"]


def test_deleting_a_child_is_recorded_and_the_entries_stay(child, enrolment, municipality):
    """A delete (the admin, a retention run) cascades to the enrolments: each one recorded."""
    child_pk = child.pk
    child.delete()
    child.pk = child_pk  # Django clears it; the entries keep it

    deleted = only(entries(child, action=Action.DELETE))
    assert deleted.object_repr == "Noor"
    assert deleted.changes["first_name"] == ["Noor", "None"]
    assert municipality_of(deleted) == municipality.pk
    assert [e.action for e in entries(child)] == [Action.CREATE, Action.DELETE]
    gone = only(entries(model=Enrolment, action=Action.DELETE))
    assert municipality_of(gone) == municipality.pk


# --- enrolment and attendance -----------------------------------------------------------------


def test_an_enrolment_is_recorded_with_the_activitys_municipality(enrolment, municipality):
    entry = only(entries(enrolment))
    assert entry.action == Action.CREATE
    assert entry.object_repr == "Noor → Judo (confirmed)"
    assert entry.changes["status"] == ["None", "confirmed"]
    assert "calendar_sequence" not in entry.changes
    assert municipality_of(entry) == municipality.pk


def test_cancelling_an_enrolment_records_the_status(enrolment):
    services.enrolment_cancel(enrolment=enrolment, now=ENROLLING)
    entry = only(entries(enrolment, action=Action.UPDATE))
    assert entry.changes["status"] == ["confirmed", "cancelled"]


def test_attendance_is_recorded_per_child_and_not_again_when_unchanged(
    session, enrolment, staff, municipality
):
    services.attendance_record(
        occurrence=session,
        marks={enrolment.pk: "present"},
        recorded_by=staff,
        now=session.starts_at,
    )
    services.attendance_record(
        occurrence=session,
        marks={enrolment.pk: "present"},
        recorded_by=staff,
        now=session.starts_at,
    )
    services.attendance_record(
        occurrence=session, marks={enrolment.pk: "absent"}, recorded_by=staff, now=session.starts_at
    )

    attendance = Attendance.objects.get()
    created, changed = entries(attendance)
    assert created.action == Action.CREATE
    assert created.changes["status"] == ["None", "present"]
    assert created.changes["recorded_by"] == ["None", str(staff.pk)]
    assert changed.action == Action.UPDATE
    assert changed.changes == {"status": ["present", "absent"]}  # recorded_at is left out
    assert {municipality_of(created), municipality_of(changed)} == {municipality.pk}


def test_the_lottery_draw_records_each_application_it_decided(school, municipality):
    """The draw writes statuses with QuerySet.update() (no signals): the trail still has them."""
    activity = factories.LotteryActivityFactory(school=school, capacity=1, title="Schaak")
    parent = factories.parent()
    lucky, unlucky = (child_of(parent, school, name) for name in ("Ada", "Bo"))
    applications = [place(activity, kid) for kid in (lucky, unlucky)]
    assert {e.status for e in applications} == {Enrolment.Status.APPLIED}

    lottery_draw(round=activity.lottery_round, now=AFTER_CLOSE, seed=7)

    decided = {}
    for application in applications:
        entry = only(entries(application, action=Action.UPDATE))
        assert municipality_of(entry) == municipality.pk
        assert entry.additional_data["event"] == "lottery"
        decided[application.pk] = entry.changes["status"]
    statuses = dict(Enrolment.objects.values_list("pk", "status"))
    assert decided == {pk: ["applied", status] for pk, status in statuses.items()}
    assert sorted(statuses.values()) == ["confirmed", "waitlisted"]


# --- offers, visits, VOG checks ---------------------------------------------------------------


def test_accepting_an_offer_records_the_offer_and_the_new_visit(municipality):
    with time_machine.travel(NOW, tick=False):
        school = factories.SchoolFactory(neighbourhood__municipality=municipality, level="vo")
        session_request = factories.SessionRequestFactory(group__school=school)
        offer = factories.OfferFactory(
            request=session_request, starts_at=at(TUESDAY, 10), ends_at=at(TUESDAY, 11)
        )
        hero_services.vog_record(
            hero=offer.hero, issued_on=dt.date(2026, 1, 5), recorded_by=None, now=NOW
        )
        visit = scheduler_services.offer_accept(offer=offer, now=NOW)

    changed = only(entries(offer, action=Action.UPDATE))
    assert changed.changes["status"] == ["pending", "accepted"]
    assert municipality_of(changed) == municipality.pk
    created = only(entries(visit))
    assert created.action == Action.CREATE
    assert created.changes["status"] == ["None", "confirmed"]
    assert "sequence" not in created.changes and "updated_at" not in created.changes
    assert municipality_of(created) == municipality.pk
    assert entries(model=Visit) == [created]
    assert len(entries(model=Offer, action=Action.CREATE)) == 1  # the factory's


def test_a_vog_check_is_recorded_with_the_heros_municipality(municipality, coordinator):
    hero = factories.HeroFactory(municipality=municipality)
    check = hero_services.vog_record(
        hero=hero, issued_on=dt.date(2026, 1, 5), recorded_by=coordinator, now=ENROLLING
    )

    entry = only(entries(check))
    assert entry.action == Action.CREATE
    assert entry.changes["valid_until"] == ["None", "2029-01-05"]
    assert entry.changes["recorded_by"] == ["None", str(coordinator.pk)]
    assert "recorded_at" not in entry.changes
    assert municipality_of(entry) == municipality.pk
    assert isinstance(check, VOGCheck)


# --- memberships ------------------------------------------------------------------------------


def test_memberships_are_recorded_when_given_and_when_ended(school, municipality):
    user = factories.UserFactory()
    staff_membership = factories.StaffMembershipFactory(user=user, school=school)
    coordinator_membership = factories.CoordinatorMembershipFactory(
        user=user, municipality=municipality
    )

    memberships_end(user_pk=user.pk)

    for membership, model in (
        (staff_membership, StaffMembership),
        (coordinator_membership, CoordinatorMembership),
    ):
        created, deleted = entries(membership)
        assert (created.action, deleted.action) == (Action.CREATE, Action.DELETE)
        assert created.changes["user"] == ["None", str(user.pk)]
        assert {municipality_of(created), municipality_of(deleted)} == {municipality.pk}
        assert not model.objects.filter(pk=membership.pk).exists()


def test_a_staff_role_change_is_recorded(school):
    membership = factories.StaffMembershipFactory(school=school)
    membership.role = StaffMembership.Role.MANAGEMENT
    membership.save()
    entry = only(entries(membership, action=Action.UPDATE))
    assert entry.changes == {"role": ["teacher", "management"]}
