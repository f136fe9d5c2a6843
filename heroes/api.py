"""API for Local Heroes: a hero's own profile, weekly availability and away periods (`heroes/me/`),
the heroes of a coordinator's municipalities (`heroes/`) and the topic lists (`topics/`).
Reads go through heroes.selectors, writes through heroes.services. Someone who is not a hero
gets 404 on `heroes/me/...`: there is no profile of theirs to find."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ModelSerializer, bad_input, refused
from schools.api import NeighbourhoodRefSerializer, StrictBooleanFilter
from schools.models import Neighbourhood

from . import selectors, services
from .models import (
    LANGUAGE_CHOICES,
    AvailabilityException,
    AvailabilityWindow,
    Hero,
    Topic,
    vog_status,
)

NOT_A_HERO = refused("You are not a Local Hero: there is no profile of yours.")

VOG_STATUS_CHOICES = [
    ("missing", _("No VOG recorded")),
    ("expired", _("Expired")),
    ("expiring", _("Expires within 60 days")),
    ("valid", _("Valid")),
]


def my_hero(request) -> Hero:
    """The hero of the person asking (404 when they are not one), read once per request."""
    if not hasattr(request, "_my_hero"):
        request._my_hero = selectors.hero_of_user(request.user)
    return request._my_hero


# --- topics --------------------------------------------------------------------------------


class TopicSerializer(ModelSerializer):
    class Meta:
        model = Topic
        fields = ["id", "name", "municipality"]


class TopicRefSerializer(ModelSerializer):
    class Meta:
        model = Topic
        fields = ["id", "name"]


def topics_for(roles):
    """Topics of the municipalities someone coordinates, plus their own as a hero."""
    own = Q(municipality_id__in=roles.coordinator_of)
    if roles.hero_municipality is not None:
        own |= Q(municipality_id=roles.hero_municipality)
    return Topic.objects.filter(own).order_by("municipality_id", "name", "pk")


@extend_schema_view(
    list=extend_schema(summary="Topics of the municipalities you coordinate or volunteer in"),
    retrieve=extend_schema(summary="One topic"),
)
class TopicViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Topic.objects.none()
    serializer_class = TopicSerializer
    filter_backends = []

    def get_queryset(self):
        return topics_for(self.request.roles)


# --- the hero's own profile ----------------------------------------------------------------


class OwnTopicField(serializers.PrimaryKeyRelatedField):
    """A topic of the hero's municipality; any other id is a 400 naming the field."""

    def get_queryset(self):
        return selectors.topics_of_municipality(self.context["hero"].municipality_id)


class OwnNeighbourhoodField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return selectors.neighbourhoods_of_municipality(self.context["hero"].municipality_id)


class VogStatusField(serializers.ChoiceField):
    """The current VOG's state on the day of the request, from the annotated end date."""

    def __init__(self, **kwargs):
        super().__init__(choices=VOG_STATUS_CHOICES, source="*", read_only=True, **kwargs)

    def to_representation(self, hero: Hero) -> str:
        return vog_status(hero.vog_valid_until, timezone.localdate())


class HeroMeSerializer(ModelSerializer):
    topics = OwnTopicField(many=True, queryset=Topic.objects.none(), required=False)
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=LANGUAGE_CHOICES), required=False
    )
    home_neighbourhood = OwnNeighbourhoodField(
        queryset=Neighbourhood.objects.none(), allow_null=True, required=False
    )
    visit_neighbourhoods = OwnNeighbourhoodField(
        many=True, queryset=Neighbourhood.objects.none(), required=False
    )
    vr_trained = serializers.BooleanField(read_only=True)
    vog_valid_until = serializers.DateField(read_only=True, allow_null=True)
    vog_status = VogStatusField()

    class Meta:
        model = Hero
        fields = [
            "id",
            "display_name",
            "municipality",
            "story",
            "topics",
            "languages",
            "home_neighbourhood",
            "visit_neighbourhoods",
            "max_visits_per_month",
            "vr_trained",
            "vr_trained_on",
            "vog_valid_until",
            "vog_status",
        ]
        read_only_fields = ["display_name", "municipality", "vr_trained_on"]


def profile_update(hero: Hero, data: dict) -> None:
    """A PATCH changes the fields it sends; the others keep the hero's current values."""

    def value(name, current):
        return data.get(name, current)

    services.hero_profile_update(
        hero=hero,
        story=value("story", hero.story),
        topics=value("topics", hero.topics.all()),
        languages=value("languages", hero.languages),
        home_neighbourhood=value("home_neighbourhood", hero.home_neighbourhood),
        visit_neighbourhoods=value("visit_neighbourhoods", hero.visit_neighbourhoods.all()),
        max_visits_per_month=value("max_visits_per_month", hero.max_visits_per_month),
    )


# --- heroes for coordinators ---------------------------------------------------------------


class HeroSerializer(ModelSerializer):
    topics = TopicRefSerializer(many=True, read_only=True)
    vr_trained = serializers.BooleanField(read_only=True)
    vog_valid_until = serializers.DateField(read_only=True, allow_null=True)
    vog_status = VogStatusField()

    class Meta:
        model = Hero
        fields = [
            "id",
            "display_name",
            "municipality",
            "topics",
            "languages",
            "max_visits_per_month",
            "vr_trained",
            "vr_trained_on",
            "vog_valid_until",
            "vog_status",
        ]


class AvailabilityWindowSerializer(ModelSerializer):
    class Meta:
        model = AvailabilityWindow
        fields = ["id", "weekday", "start_time", "end_time"]


class AwayPeriodSerializer(ModelSerializer):
    class Meta:
        model = AvailabilityException
        fields = ["id", "starts_on", "ends_on", "note"]


class HeroDetailSerializer(HeroSerializer):
    home_neighbourhood = NeighbourhoodRefSerializer(read_only=True, allow_null=True)
    visit_neighbourhoods = NeighbourhoodRefSerializer(many=True, read_only=True)
    availability = AvailabilityWindowSerializer(many=True, read_only=True)

    class Meta(HeroSerializer.Meta):
        fields = [
            *HeroSerializer.Meta.fields,
            "story",
            "home_neighbourhood",
            "visit_neighbourhoods",
            "availability",
        ]


class HeroFilter(django_filters.FilterSet):
    vog = django_filters.ChoiceFilter(
        choices=[("problem", _("No VOG, or it has expired"))],
        method="filter_vog",
        label=_("`problem`: heroes without a VOG valid today"),
    )
    topic = django_filters.ModelChoiceFilter(
        field_name="topics", queryset=lambda request: topics_for(request.roles)
    )
    vr_trained = StrictBooleanFilter(method="filter_vr_trained")

    class Meta:
        model = Hero
        fields = ["vog", "topic", "vr_trained"]

    def filter_vog(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(Q(vog_valid_until__isnull=True) | Q(vog_valid_until__lt=today))

    def filter_vr_trained(self, queryset, name, value):
        return queryset.filter(vr_trained_on__isnull=not value)


@extend_schema_view(
    list=extend_schema(
        summary="Heroes of the municipalities you coordinate (empty for anyone else)",
        description="`vog=problem` lists heroes without a VOG valid today; `topic` and "
        "`vr_trained=true|false` narrow the list.",
    ),
    retrieve=extend_schema(summary="One hero of a municipality you coordinate"),
)
class HeroViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Hero.objects.none()
    serializer_class = HeroSerializer
    filterset_class = HeroFilter

    def get_queryset(self):
        qs = selectors.heroes_for_coordinator(self.request.roles, today=timezone.localdate())
        if self.action == "retrieve":
            qs = qs.select_related("home_neighbourhood").prefetch_related(
                "visit_neighbourhoods", "availability"
            )
        return qs

    def get_serializer_class(self):
        return HeroDetailSerializer if self.action == "retrieve" else HeroSerializer

    @extend_schema(
        methods=["GET"],
        summary="Your own hero profile (404 when you are not a Local Hero)",
        responses={200: HeroMeSerializer, 404: NOT_A_HERO},
    )
    @extend_schema(
        methods=["PATCH"],
        summary="Change your story, topics, languages, neighbourhoods or monthly limit",
        request=HeroMeSerializer,
        responses={
            200: HeroMeSerializer,
            400: bad_input(),
            404: NOT_A_HERO,
        },
    )
    @action(
        detail=False,
        methods=["get", "patch"],
        filterset_class=None,
        pagination_class=None,
        serializer_class=HeroMeSerializer,
    )
    def me(self, request):
        hero = my_hero(request)
        if request.method == "PATCH":
            form = HeroMeSerializer(hero, data=request.data, partial=True, context={"hero": hero})
            form.is_valid(raise_exception=True)
            profile_update(hero, form.validated_data)
            hero = selectors.hero_of_user(request.user)
        return Response(HeroMeSerializer(hero, context={"hero": hero}).data)


# --- the hero's availability and away periods ----------------------------------------------


class MyRowsViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Rows of the hero asking; another hero's id is a 404 (get_object looks only here)."""

    filter_backends = []

    def create(self, request, *args, **kwargs):
        hero = my_hero(request)  # someone who is no hero has no rows, whatever they send
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        row = self.add(hero, form.validated_data)
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Your weekly availability windows"),
    create=extend_schema(
        summary="Add a weekly window; one that overlaps another is a 400 naming `start_time`",
        responses={201: AvailabilityWindowSerializer, 404: NOT_A_HERO},
    ),
    destroy=extend_schema(summary="Remove one of your windows"),
)
class AvailabilityWindowViewSet(MyRowsViewSet):
    queryset = AvailabilityWindow.objects.none()
    serializer_class = AvailabilityWindowSerializer

    def get_queryset(self):
        return my_hero(self.request).availability.order_by("weekday", "start_time", "pk")

    def add(self, hero: Hero, data: dict) -> AvailabilityWindow:
        return services.availability_window_add(hero=hero, **data)

    def perform_destroy(self, instance):
        services.availability_window_remove(window=instance)


@extend_schema_view(
    list=extend_schema(summary="Your away periods that are not over yet"),
    create=extend_schema(
        summary="Add a period you are away (no visits on those days)",
        responses={201: AwayPeriodSerializer, 404: NOT_A_HERO},
    ),
    destroy=extend_schema(summary="Remove one of your away periods"),
)
class AwayPeriodViewSet(MyRowsViewSet):
    queryset = AvailabilityException.objects.none()
    serializer_class = AwayPeriodSerializer

    def get_queryset(self):
        today = timezone.localdate()
        return (
            my_hero(self.request)
            .away_periods.filter(ends_on__gte=today)
            .order_by("starts_on", "pk")
        )

    def add(self, hero: Hero, data: dict) -> AvailabilityException:
        return services.away_period_add(hero=hero, now=timezone.now(), **data)

    def perform_destroy(self, instance):
        services.away_period_remove(period=instance)


def register(router) -> None:
    """Register the heroes endpoints on the project's API router."""
    router.register("heroes/me/availability", AvailabilityWindowViewSet, basename="my-window")
    router.register("heroes/me/exceptions", AwayPeriodViewSet, basename="my-away-period")
    router.register("heroes", HeroViewSet, basename="hero")
    router.register("topics", TopicViewSet, basename="topic")
