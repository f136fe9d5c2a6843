"""API for the national programme team about the municipalities: every municipality with its
counts (programme team), and adding a municipality with its first coordinator (programme
administrators; accounts.services.municipality_start). Bad input is a 400 naming the field."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response

from core.api import (
    IDEMPOTENCY_KEY,
    ModelSerializer,
    bad_input,
    earlier_create,
    idempotency_key,
    refused,
)
from schools.models import Municipality, Neighbourhood

from . import selectors, services
from .models import Invitation


class ProgrammeMunicipalitySerializer(ModelSerializer):
    neighbourhood_count = serializers.IntegerField(read_only=True)
    target_area_count = serializers.IntegerField(
        read_only=True, help_text=_("How many of its neighbourhoods are target neighbourhoods.")
    )
    school_count = serializers.IntegerField(read_only=True)
    coordinator_count = serializers.IntegerField(read_only=True)
    invited_coordinator_count = serializers.IntegerField(
        read_only=True, help_text=_("Coordinators invited whose invitation is still open.")
    )

    class Meta:
        model = Municipality
        fields = [
            "id",
            "name",
            "slug",
            "holiday_region",
            "neighbourhood_count",
            "target_area_count",
            "school_count",
            "coordinator_count",
            "invited_coordinator_count",
        ]


class NeighbourhoodInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    is_target_area = serializers.BooleanField(default=False)


class MunicipalityStartSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    holiday_region = serializers.ChoiceField(choices=Municipality.HolidayRegion.choices)
    neighbourhoods = NeighbourhoodInputSerializer(many=True, required=False, default=list)
    coordinator_name = serializers.CharField(
        max_length=100, help_text=_("The first coordinator's name, to greet them by.")
    )
    coordinator_email = serializers.EmailField(
        help_text=_("The first coordinator's address: the invitation goes there.")
    )


class CoordinatorInvitationSerializer(ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = Invitation
        fields = ["email", "name", "expires_at"]


class StartedNeighbourhoodSerializer(ModelSerializer):
    class Meta:
        model = Neighbourhood
        fields = ["id", "name", "is_target_area"]


class StartedMunicipalitySerializer(ModelSerializer):
    """What adding a municipality made: the municipality, its neighbourhoods and the
    invitation of its first coordinator."""

    neighbourhoods = StartedNeighbourhoodSerializer(many=True, read_only=True)
    coordinator_invitation = serializers.SerializerMethodField(
        help_text=_("The invitation of the first coordinator.")
    )

    class Meta:
        model = Municipality
        fields = [
            "id",
            "name",
            "slug",
            "holiday_region",
            "neighbourhoods",
            "coordinator_invitation",
        ]

    @extend_schema_field(CoordinatorInvitationSerializer(allow_null=True))
    def get_coordinator_invitation(self, municipality: Municipality) -> dict | None:
        first = (
            municipality.invitations.filter(role=Invitation.Role.COORDINATOR)
            .order_by("created_at", "pk")
            .first()
        )
        return CoordinatorInvitationSerializer(first).data if first else None


def _same_start(municipality: Municipality, data: dict) -> bool:
    """Whether a retry with the same Idempotency-Key asks for the municipality it made."""
    return (
        municipality.name.casefold() == " ".join(data["name"].split()).casefold()
        and municipality.holiday_region == data["holiday_region"]
    )


@extend_schema_view(
    list=extend_schema(
        summary="Every municipality with its counts (the programme team; never a person)"
    ),
)
class ProgrammeMunicipalityViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Municipality.objects.none()
    serializer_class = ProgrammeMunicipalitySerializer
    filter_backends = []

    def get_queryset(self):
        if not self.request.roles.is_programme:
            raise exceptions.PermissionDenied(_("Only the programme team can see this."))
        return selectors.municipalities_for_programme(self.request.roles, timezone.now())

    @extend_schema(
        summary="Add a municipality and invite its first coordinator (programme administrators)",
        description=(
            "The municipality, its neighbourhoods and the invitation are made together; the "
            "invitation mail goes to `coordinator_email`. A name that exists in any case is a "
            "400 on `name`. Send an `Idempotency-Key` to retry safely: the municipality is "
            "added, and the mail sent, once."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=MunicipalityStartSerializer,
        responses={
            201: StartedMunicipalitySerializer,
            200: OpenApiResponse(
                StartedMunicipalitySerializer,
                description="Sent again with the same Idempotency-Key: the first municipality.",
            ),
            400: bad_input(),
            403: refused("Not a programme administrator."),
            422: refused(
                "The Idempotency-Key was used with other data (`idempotency_key_reused`)."
            ),
        },
    )
    def create(self, request, *args, **kwargs):
        if not request.roles.is_programme_admin:
            raise exceptions.PermissionDenied(
                _("Only a programme administrator can add a municipality.")
            )
        key = idempotency_key(request)
        form = MunicipalityStartSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        first = earlier_create(Municipality.objects.all(), key, lambda m: _same_start(m, data))
        if first is not None:
            return Response(StartedMunicipalitySerializer(first).data)
        municipality = services.municipality_start(
            started_by=request.user,
            name=data["name"],
            holiday_region=data["holiday_region"],
            neighbourhoods=[
                (hood["name"], hood["is_target_area"]) for hood in data["neighbourhoods"]
            ],
            coordinator_name=data["coordinator_name"],
            coordinator_email=data["coordinator_email"],
            now=timezone.now(),
            submission_key=key,
        )
        return Response(
            StartedMunicipalitySerializer(municipality).data, status=status.HTTP_201_CREATED
        )


def register(router) -> None:
    """Register the programme team's endpoints on the project's API router."""
    router.register(
        "programme/municipalities",
        ProgrammeMunicipalityViewSet,
        basename="programme-municipality",
    )
