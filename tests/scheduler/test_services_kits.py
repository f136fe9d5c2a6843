"""The kit services: a kit's name, headsets and home venue, and what its confirmed visits ahead
keep it from (retiring, shrinking, a maintenance block over them)."""

import pytest
from django.core.exceptions import ValidationError

from scheduler import services
from scheduler.models import Kit, KitBlock
from tests import factories
from tests.clock import NOW, TUESDAY, at
from tests.scheduler.conftest import make_request

pytestmark = pytest.mark.usefixtures("in_english")

# --- kits -------------------------------------------------------------------------------------


def test_kit_create_tidies_the_name(municipality):
    kit = services.kit_create(municipality=municipality, name="  Kit   Oost ", headsets=10)
    assert kit.name == "Kit Oost" and kit.is_active


@pytest.mark.parametrize("name", ["kit noord", "KIT NOORD", " Kit  Noord "])
def test_kit_name_is_unique_per_municipality_whatever_the_case(municipality, kit, name):
    with pytest.raises(ValidationError) as exc:
        services.kit_create(municipality=municipality, name=name, headsets=10)
    assert "name" in exc.value.message_dict
    assert Kit.objects.count() == 1


def test_another_municipality_may_use_the_same_kit_name(kit, other_school):
    other = other_school.neighbourhood.municipality
    assert services.kit_create(municipality=other, name="Kit Noord", headsets=5).pk


def test_renaming_a_kit_to_its_own_name_is_fine(kit):
    assert services.kit_update(kit=kit, name="kit noord", headsets=15).name == "kit noord"


@pytest.mark.parametrize("headsets", [0, 41, -1, None, "10"])
def test_a_kit_has_between_one_and_forty_headsets(municipality, headsets):
    with pytest.raises(ValidationError) as exc:
        services.kit_create(municipality=municipality, name="Kit", headsets=headsets)
    assert list(exc.value.message_dict) == ["headsets"]
    assert not Kit.objects.exists()


@pytest.mark.parametrize("headsets", [1, 40])
def test_headsets_bounds_are_inclusive(municipality, headsets):
    assert services.kit_create(municipality=municipality, name="K", headsets=headsets).pk


def test_home_venue_must_be_in_the_kits_municipality(municipality, kit, other_school):
    own = factories.VenueFactory(neighbourhood__municipality=municipality)
    foreign = factories.VenueFactory(neighbourhood=other_school.neighbourhood)
    with pytest.raises(ValidationError) as exc:
        services.kit_create(municipality=municipality, name="K2", headsets=5, home_venue=foreign)
    assert "home_venue" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.kit_update(kit=kit, name=kit.name, headsets=15, home_venue=foreign)
    kit.refresh_from_db()
    assert kit.home_venue is None
    assert (
        services.kit_update(kit=kit, name=kit.name, headsets=15, home_venue=own).home_venue == own
    )


def test_a_kit_with_confirmed_visits_ahead_stays_in_use(vo_school, group, vo_staff, hero, kit):
    factories.VisitFactory(
        request=make_request(vo_school, group, vo_staff, kind="vr"), hero=hero, kit=kit
    )
    with pytest.raises(ValidationError) as exc:
        services.kit_update(kit=kit, name="Kit Noord", headsets=15, is_active=False)
    assert "is_active" in exc.value.message_dict
    kit.refresh_from_db()
    assert kit.is_active


def test_a_kit_whose_visits_are_cancelled_may_retire(vo_school, group, vo_staff, hero, kit):
    session_request = make_request(vo_school, group, vo_staff, kind="vr")
    factories.VisitFactory(request=session_request, hero=hero, kit=kit)
    services.request_cancel(session_request=session_request, now=NOW)
    assert not services.kit_update(
        kit=kit, name="Kit Noord", headsets=15, is_active=False
    ).is_active


def test_headsets_cannot_drop_below_a_confirmed_class(vo_school, group, vo_staff, hero, kit):
    session_request = make_request(vo_school, group, vo_staff, kind="vr")  # 24 pupils
    factories.VisitFactory(request=session_request, hero=hero, kit=kit)  # 12 headsets
    with pytest.raises(ValidationError) as exc:
        services.kit_update(kit=kit, name="Kit Noord", headsets=11)
    assert "headsets" in exc.value.message_dict
    kit.refresh_from_db()
    assert kit.headsets == 15
    assert services.kit_update(kit=kit, name="Kit Noord", headsets=12).headsets == 12


def test_kit_block_right_after_a_visit_needs_no_confirmation(vo_school, group, vo_staff, hero, kit):
    factories.VisitFactory(
        request=make_request(vo_school, group, vo_staff, kind="vr"), hero=hero, kit=kit
    )
    # The block and the visit (10:00-11:00) only touch. (Blocks over visits: test_kit_blocks.)
    block = services.kit_block_add(kit=kit, starts_at=at(TUESDAY, 11), ends_at=at(TUESDAY, 17))
    assert block.released == []
    services.kit_block_remove(block=block)
    assert not KitBlock.objects.exists()


@pytest.mark.parametrize("hours", [(12, 12), (12, 11), (None, 12)])
def test_kit_block_must_end_after_it_starts(kit, hours):
    start = at(TUESDAY, hours[0]) if hours[0] else None
    with pytest.raises(ValidationError) as exc:
        services.kit_block_add(kit=kit, starts_at=start, ends_at=at(TUESDAY, hours[1]))
    assert "ends_at" in exc.value.message_dict
    assert not KitBlock.objects.exists()
