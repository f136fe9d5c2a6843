"""factory_boy factories for every model the tests build."""

import datetime as dt

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.utils import timezone
from faker import Faker

from accounts.models import User
from activities.models import Activity, Child, Enrolment, LotteryRound
from heroes import services as hero_services
from heroes.models import Hero
from scheduler.models import (
    Kit,
    KitBlock,
    MatchingRun,
    Offer,
    RequestWindow,
    SessionRequest,
    Visit,
)
from scheduler.services import offer_deadline
from schools.models import (
    CoordinatorMembership,
    Group,
    Municipality,
    Neighbourhood,
    ProgrammeMembership,
    School,
    SchoolClosure,
    StaffMembership,
    Venue,
)

from .clock import TUESDAY, at

PASSWORD = "correct-horse-battery-staple"


_faker = Faker("nl_NL")
# Names tests look for, or make sure are absent, on a page: a made-up person must not share them.
_TEST_NAMES = ("Noor", "Dennis", "Samira", "Elif", "Fatma", "Amsterdammer", "Elders", "Dansen")


def _person_name() -> str:
    """A Dutch name, without the apostrophe of "'s Gravensande" or "d' Heripon" (a page writes
    it escaped, so a test looking for the name would fail now and then) and without the names
    tests use as markers."""
    while True:
        name = _faker.name().replace("'", "")
        if not any(marker in name for marker in _TEST_NAMES):
            return name


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    name = factory.LazyFunction(lambda: _person_name())
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Give the user a verified primary email, as allauth expects (verified=False skips)."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Gemeente {n}")
    slug = factory.Sequence(lambda n: f"gemeente-{n}")
    holiday_region = Municipality.HolidayRegion.NORTH


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Wijk {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"Basisschool De Linde {n}")
    brin = factory.Sequence(
        lambda n: f"{n % 100:02d}{chr(65 + n // 2600 % 26)}{chr(65 + n // 100 % 26)}"
    )
    level = School.Level.PO
    street = "Schoolstraat 1"
    postcode = "1506 AB"
    city = "Zaandam"
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"jongerenHUB {n}")
    street = "Hubplein 2"
    postcode = "1506 CD"
    city = "Zaandam"
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Groep {n}")
    grade = 6
    school_year = "2026-2027"
    pupils = 24


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolClosure

    municipality = factory.SubFactory(MunicipalityFactory)
    name = "Kerstvakantie"
    kind = SchoolClosure.Kind.HOLIDAY
    start_date = dt.date(2026, 12, 19)
    end_date = dt.date(2027, 1, 3)


class StaffMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)


class CoordinatorMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoordinatorMembership

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)


class ProgrammeMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeMembership

    user = factory.SubFactory(UserFactory)


class HeroFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hero

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    display_name = factory.Faker("first_name", locale="nl_NL")


OPENS = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
CLOSES = dt.datetime(2027, 1, 31, 23, 0, tzinfo=dt.UTC)


class ActivityFactory(factory.django.DjangoModelFactory):
    """A published first-come activity, open for enrolment from November to January, every
    Wednesday 14:00-15:30 from 6 January to 31 March 2027, for PO grades 3-8."""

    class Meta:
        model = Activity

    school = factory.SubFactory(SchoolFactory)
    title = factory.Sequence(lambda n: f"Voetbal {n}")
    description = "Samen voetballen op het schoolplein."
    category = "sport"
    level = factory.SelfAttribute("school.level")
    grade_min = 3
    grade_max = 8
    capacity = 12
    enrolment_opens_at = OPENS
    enrolment_closes_at = CLOSES
    allocation = Activity.Allocation.FIRST_COME
    weekday = 2
    start_time = dt.time(14, 0)
    end_time = dt.time(15, 30)
    first_date = dt.date(2027, 1, 6)
    last_date = dt.date(2027, 3, 31)
    status = Activity.Status.PUBLISHED


class LotteryRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LotteryRound

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Loting {n}")
    closes_at = CLOSES


class LotteryActivityFactory(ActivityFactory):
    allocation = Activity.Allocation.LOTTERY
    lottery_round = factory.SubFactory(
        LotteryRoundFactory, school=factory.SelfAttribute("..school")
    )


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    guardian = factory.SubFactory(UserFactory, is_parent=True)
    first_name = factory.Faker("first_name", locale="nl_NL")
    school = factory.SubFactory(SchoolFactory)
    grade = 5
    consent_at = OPENS
    consent_version = "2026-1"


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    child = factory.SubFactory(ChildFactory)
    activity = factory.SubFactory(ActivityFactory)
    status = Enrolment.Status.CONFIRMED
    applied_at = OPENS


# --- the scheduling core ----------------------------------------------------------------------
#
# Rows as the services leave them, for tests that only need them to exist. A test about what a
# service does (its checks, its messages, the matching run it queues) calls the service.


class KitFactory(factory.django.DjangoModelFactory):
    """A VR kit in use: 15 headsets, a class of up to 30."""

    class Meta:
        model = Kit

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Kit {n}")
    headsets = 15


class KitBlockFactory(factory.django.DjangoModelFactory):
    """The kit away for maintenance on Tuesday 10 November 2026, 08:00-17:00."""

    class Meta:
        model = KitBlock

    kit = factory.SubFactory(KitFactory)
    starts_at = factory.LazyFunction(lambda: at(TUESDAY, 8))
    ends_at = factory.LazyAttribute(lambda block: block.starts_at + dt.timedelta(hours=9))


class RequestWindowFactory(factory.django.DjangoModelFactory):
    """A preferred time of a request: Tuesday 10 November 2026, 10:00-12:00."""

    class Meta:
        model = RequestWindow

    request = factory.SubFactory("tests.factories.SessionRequestFactory", windows=[])
    starts_at = factory.LazyFunction(lambda: at(TUESDAY, 10))
    ends_at = factory.LazyAttribute(lambda window: window.starts_at + dt.timedelta(hours=2))


class SessionRequestFactory(factory.django.DjangoModelFactory):
    """An open request for a Local Hero visit of an hour, for a group of a secondary school,
    with one preferred time: Tuesday 10 November 2026, 10:00-12:00.

    The request is the group's school's and its class size the group's pupils, as
    request_create makes it: pass group= (or group__school=), not school= alone.
    windows=[(start, end), ...] gives other preferred times; windows=[] none."""

    class Meta:
        model = SessionRequest
        skip_postgeneration_save = True

    group = factory.SubFactory(GroupFactory, school__level=School.Level.VO)
    school = factory.SelfAttribute("group.school")
    requested_by = None
    kind = SessionRequest.Kind.HERO
    class_size = factory.SelfAttribute("group.pupils")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs["group"].school_id != kwargs["school"].pk:
            raise ValueError("A request's group is of the request's school: pass group=.")
        return super()._create(model_class, *args, **kwargs)

    @factory.post_generation
    def windows(self, create, extracted, **kwargs):
        if not create:
            return
        spans = [(at(TUESDAY, 10), at(TUESDAY, 12))] if extracted is None else extracted
        for starts_at, ends_at in spans:
            RequestWindowFactory(request=self, starts_at=starts_at, ends_at=ends_at)


def _request_moves(session_request, old, new) -> None:
    """The request moves to status `new` if it is in (one of) `old`, in the database and in
    memory, as the services move it."""
    old = [old] if isinstance(old, str) else old
    if SessionRequest.objects.filter(pk=session_request.pk, status__in=old).update(
        status=new, updated_at=timezone.now()
    ):
        session_request.status = new


def _first_window_start(row) -> dt.datetime:
    return row.request.windows.order_by("starts_at").first().starts_at


class OfferFactory(factory.django.DjangoModelFactory):
    """A pending offer of a hero of the request's municipality, at the start of the request's
    first preferred time for the request's duration, answered before the deadline offer_create
    gives it now. A pending offer makes an open request offered (one pending offer a request)."""

    class Meta:
        model = Offer
        skip_postgeneration_save = True

    request = factory.SubFactory(SessionRequestFactory)
    hero = factory.SubFactory(
        HeroFactory,
        municipality=factory.SelfAttribute("..request.school.neighbourhood.municipality"),
    )
    kit = None
    starts_at = factory.LazyAttribute(_first_window_start)
    ends_at = factory.LazyAttribute(
        lambda offer: offer.starts_at + dt.timedelta(minutes=offer.request.duration_min)
    )
    expires_at = factory.LazyAttribute(
        lambda offer: offer_deadline(start=offer.starts_at, now=timezone.now())
    )
    status = Offer.Status.PENDING

    @factory.post_generation
    def request_offered(self, create, extracted, **kwargs):
        if create and self.status == Offer.Status.PENDING:
            _request_moves(self.request, SessionRequest.Status.OPEN, SessionRequest.Status.OFFERED)


class VisitFactory(factory.django.DjangoModelFactory):
    """A confirmed visit, as an accepted offer leaves it: the offer (accepted, of the same
    request, hero, kit and time) and the request confirmed. The time is the start of the
    request's first preferred time, for the request's duration.

    Pass request=, hero=, kit=, starts_at=; the offer follows them."""

    class Meta:
        model = Visit
        skip_postgeneration_save = True

    request = factory.SubFactory(SessionRequestFactory)
    hero = factory.SubFactory(
        HeroFactory,
        municipality=factory.SelfAttribute("..request.school.neighbourhood.municipality"),
    )
    kit = None
    starts_at = factory.LazyAttribute(_first_window_start)
    ends_at = factory.LazyAttribute(
        lambda visit: visit.starts_at + dt.timedelta(minutes=visit.request.duration_min)
    )
    offer = factory.SubFactory(
        OfferFactory,
        request=factory.SelfAttribute("..request"),
        hero=factory.SelfAttribute("..hero"),
        kit=factory.SelfAttribute("..kit"),
        starts_at=factory.SelfAttribute("..starts_at"),
        ends_at=factory.SelfAttribute("..ends_at"),
        status=Offer.Status.ACCEPTED,
        responded_at=factory.LazyFunction(timezone.now),
    )
    status = Visit.Status.CONFIRMED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        offer = kwargs["offer"]
        if (offer.request_id, offer.hero_id) != (kwargs["request"].pk, kwargs["hero"].pk):
            raise ValueError("A visit's offer is of its request and hero: pass those, not offer=.")
        return super()._create(model_class, *args, **kwargs)

    @factory.post_generation
    def request_confirmed(self, create, extracted, **kwargs):
        if create and self.status == Visit.Status.CONFIRMED:
            opened = [SessionRequest.Status.OPEN, SessionRequest.Status.OFFERED]
            _request_moves(self.request, opened, SessionRequest.Status.CONFIRMED)


class MatchingRunFactory(factory.django.DjangoModelFactory):
    """A finished matching run. (A queued or running one is the municipality's one active run:
    pass status= for that.)"""

    class Meta:
        model = MatchingRun

    municipality = factory.SubFactory(MunicipalityFactory)
    status = MatchingRun.Status.DONE
    trigger = MatchingRun.Trigger.MANUAL


def hero_available(municipality, name: str, **kwargs) -> Hero:
    """A hero free on every school day 09:00-17:00 with a VOG valid from a month ago for 700
    days: matching can offer them a visit next week, whatever the real date (browser and
    integration tests run on the real clock)."""
    hero = HeroFactory(municipality=municipality, display_name=name, languages=["nl"], **kwargs)
    for weekday in range(5):
        hero_services.availability_window_add(
            hero=hero, weekday=weekday, start_time=dt.time(9), end_time=dt.time(17)
        )
    today = timezone.localdate()
    hero.vog_checks.create(
        issued_on=today - dt.timedelta(days=30),
        valid_until=today + dt.timedelta(days=700),
        recorded_at=timezone.now(),
    )
    return hero


def give_mfa(user) -> Authenticator:
    """A TOTP authenticator, so staff and coordinators pass the two-step requirement."""
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )


def coordinator(municipality=None, **kwargs) -> User:
    user = UserFactory(**kwargs)
    CoordinatorMembershipFactory(user=user, municipality=municipality or MunicipalityFactory())
    give_mfa(user)
    return user


def staff(school=None, **kwargs) -> User:
    user = UserFactory(**kwargs)
    StaffMembershipFactory(user=user, school=school or SchoolFactory())
    give_mfa(user)
    return user


def programme(*, is_admin: bool = False, **kwargs) -> User:
    """A member of the national programme team (an administrator with `is_admin`), with a
    second factor."""
    user = UserFactory(**kwargs)
    ProgrammeMembershipFactory(user=user, is_admin=is_admin)
    give_mfa(user)
    return user


def parent(**kwargs) -> User:
    return UserFactory(is_parent=True, **kwargs)
