"""factory_boy factories for every model the tests build."""

import datetime as dt

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from accounts.models import User
from activities.models import Activity, Child, Enrolment, LotteryRound
from heroes.models import Hero
from schools.models import (
    CoordinatorMembership,
    Group,
    Municipality,
    Neighbourhood,
    School,
    SchoolClosure,
    StaffMembership,
    Venue,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    name = factory.Faker("name", locale="nl_NL")
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


def parent(**kwargs) -> User:
    return UserFactory(is_parent=True, **kwargs)
