"""Read-only API for organisations: the directory (municipalities, neighbourhoods, schools,
venues) and school groups, each scoped to the person asking through schools.selectors."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, serializers, viewsets

from core.api import ModelSerializer

from . import selectors
from .models import Group, Municipality, Neighbourhood, School, Venue

# --- serializers ---------------------------------------------------------------------------


class MunicipalitySerializer(ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["id", "name", "slug", "holiday_region"]


class NeighbourhoodSerializer(ModelSerializer):
    class Meta:
        model = Neighbourhood
        fields = ["id", "name", "municipality", "is_target_area"]


class NeighbourhoodRefSerializer(ModelSerializer):
    class Meta:
        model = Neighbourhood
        fields = ["id", "name"]


class SchoolRefSerializer(ModelSerializer):
    """A school named in another resource (an activity, a session request)."""

    class Meta:
        model = School
        fields = ["id", "name"]


class VenueRefSerializer(ModelSerializer):
    class Meta:
        model = Venue
        fields = ["id", "name"]


class PlaceSerializer(ModelSerializer):
    """Shared by schools and venues: an address in a neighbourhood of a municipality."""

    neighbourhood = NeighbourhoodRefSerializer(read_only=True)
    municipality = serializers.IntegerField(source="neighbourhood.municipality_id", read_only=True)
    address = serializers.CharField(read_only=True)

    place_fields = [
        "id",
        "name",
        "street",
        "postcode",
        "city",
        "address",
        "neighbourhood",
        "municipality",
    ]


class SchoolSerializer(PlaceSerializer):
    class Meta:
        model = School
        fields = [*PlaceSerializer.place_fields, "brin", "level"]


class VenueSerializer(PlaceSerializer):
    class Meta:
        model = Venue
        fields = [*PlaceSerializer.place_fields, "description"]


class GroupSerializer(ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "name", "school", "grade", "school_year", "pupils"]


# --- filters -------------------------------------------------------------------------------
# Choices for foreign keys are the person's own visible objects, so a filter on an object they
# may not see is a 400 naming the field, the same answer as for an id that does not exist.


class StrictBooleanField(forms.NullBooleanField):
    """A yes/no filter value; anything but true or false is an error, not "no filter"."""

    values = {"true": True, "false": False, "1": True, "0": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if str(value).lower() not in self.values:
            raise forms.ValidationError(_("Use true or false."), code="invalid")
        return self.values[str(value).lower()]


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        # django-filter's BooleanWidget turns an unknown value into "no filter" before the
        # field can refuse it; a plain text widget hands the field what was sent.
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


def _visible_municipalities(request):
    return selectors.municipalities_visible_to(request.roles)


def _visible_neighbourhoods(request):
    return selectors.neighbourhoods_visible_to(request.roles)


def _visible_schools(request):
    return selectors.schools_visible_to(request.roles)


class NeighbourhoodFilter(django_filters.FilterSet):
    municipality = django_filters.ModelChoiceFilter(queryset=_visible_municipalities)
    is_target_area = StrictBooleanFilter()

    class Meta:
        model = Neighbourhood
        fields = ["municipality", "is_target_area"]


class PlaceFilter(django_filters.FilterSet):
    municipality = django_filters.ModelChoiceFilter(
        field_name="neighbourhood__municipality", queryset=_visible_municipalities
    )
    neighbourhood = django_filters.ModelChoiceFilter(queryset=_visible_neighbourhoods)


class SchoolFilter(PlaceFilter):
    class Meta:
        model = School
        fields = ["municipality", "neighbourhood", "level"]


class VenueFilter(PlaceFilter):
    class Meta:
        model = Venue
        fields = ["municipality", "neighbourhood"]


class GroupFilter(django_filters.FilterSet):
    school = django_filters.ModelChoiceFilter(queryset=_visible_schools)

    class Meta:
        model = Group
        fields = ["school", "school_year", "grade"]


# --- views ---------------------------------------------------------------------------------
# Each view's queryset is the selector for the person asking, so a detail outside it is a 404
# (get_object looks only inside it). The class-level `queryset` is there for the schema
# generator, which has no person; get_queryset never returns it.


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Subclasses set `selector`: a function from roles to the queryset they may read."""

    selector: Callable[..., QuerySet]

    def get_queryset(self):
        # A stable order, so pages neither repeat nor skip rows.
        qs = self.selector(self.request.roles)
        return qs.order_by(*qs.model._meta.ordering, "pk")


@extend_schema_view(
    list=extend_schema(summary="Municipalities you may see"),
    retrieve=extend_schema(summary="One municipality"),
)
class MunicipalityViewSet(ScopedReadOnlyViewSet):
    queryset = Municipality.objects.none()
    serializer_class = MunicipalitySerializer
    selector = staticmethod(selectors.municipalities_visible_to)


@extend_schema_view(
    list=extend_schema(summary="Neighbourhoods you may see"),
    retrieve=extend_schema(summary="One neighbourhood"),
)
class NeighbourhoodViewSet(ScopedReadOnlyViewSet):
    queryset = Neighbourhood.objects.none()
    serializer_class = NeighbourhoodSerializer
    filterset_class = NeighbourhoodFilter
    selector = staticmethod(selectors.neighbourhoods_visible_to)


@extend_schema_view(
    list=extend_schema(summary="Schools you may see; `search` matches name or BRIN code"),
    retrieve=extend_schema(summary="One school"),
)
class SchoolViewSet(ScopedReadOnlyViewSet):
    queryset = School.objects.none()
    serializer_class = SchoolSerializer
    filterset_class = SchoolFilter
    filter_backends = [django_filters.DjangoFilterBackend, filters.SearchFilter]
    search_fields = ["name", "brin"]
    selector = staticmethod(selectors.schools_visible_to)


@extend_schema_view(
    list=extend_schema(summary="Venues you may see"),
    retrieve=extend_schema(summary="One venue"),
)
class VenueViewSet(ScopedReadOnlyViewSet):
    queryset = Venue.objects.none()
    serializer_class = VenueSerializer
    filterset_class = VenueFilter
    selector = staticmethod(selectors.venues_visible_to)


@extend_schema_view(
    list=extend_schema(summary="Groups (classes) of the schools you work at or coordinate"),
    retrieve=extend_schema(summary="One group"),
)
class GroupViewSet(ScopedReadOnlyViewSet):
    queryset = Group.objects.none()
    serializer_class = GroupSerializer
    filterset_class = GroupFilter
    selector = staticmethod(selectors.groups_visible_to)


def register(router) -> None:
    """Register the schools endpoints on the project's API router."""
    router.register("municipalities", MunicipalityViewSet, basename="municipality")
    router.register("neighbourhoods", NeighbourhoodViewSet, basename="neighbourhood")
    router.register("schools", SchoolViewSet, basename="school")
    router.register("venues", VenueViewSet, basename="venue")
    router.register("groups", GroupViewSet, basename="group")
