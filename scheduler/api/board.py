"""API for coordinators' matching work: VR kits and their maintenance blocks, matching runs, and
assigning a request by hand.

Kits may be read by everyone who works with them (coordinators, school staff and heroes of the
municipality); changing kits and blocks, runs and assignments are for coordinators only (403
for others, 404 for another municipality's objects). Reads go through scheduler.selectors,
writes through scheduler.services and scheduler.runs; a refusal from those (scheduler.errors)
answers its own status with `{"detail": message, "code": code}`.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core.api import ErrorSerializer, ModelSerializer, bad_input, refused
from heroes.models import Hero
from schools.models import Municipality, Venue

from .. import queue, selectors, services
from ..models import Kit, KitBlock, MatchingRun, Offer, SessionRequest

# --- permissions --------------------------------------------------------------


class RuleWarningsSerializer(ErrorSerializer):
    """The body of a 409 `breaks_rules` (schema only)."""

    warnings = serializers.ListField(
        child=serializers.CharField(), help_text=_("The rules the assignment breaks.")
    )


class AffectedSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=_("`offer` (pending) or `visit` (confirmed)."))
    id = serializers.IntegerField()
    request = serializers.IntegerField()
    school = serializers.CharField()
    group = serializers.CharField()
    hero = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class BlockAffectsSerializer(ErrorSerializer):
    """The body of a 409 `block_affects_visits` or `block_overlaps` (schema only)."""

    affected = AffectedSerializer(
        many=True,
        required=False,
        help_text=_("`block_affects_visits`: the pending offers and confirmed visits it falls on."),
    )
    existing = serializers.IntegerField(
        required=False, help_text=_("`block_overlaps`: the kit's block this one overlaps.")
    )


BAD_INPUT = bad_input()
NOT_COORDINATOR = refused("Only for coordinators.")


class IsCoordinator(permissions.BasePermission):
    message = _("Only coordinators may do this.")

    def has_permission(self, request, view) -> bool:
        return request.roles.is_coordinator


class ReadOrCoordinator(IsCoordinator):
    """Reading for anyone signed in; writing only for coordinators."""

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or super().has_permission(request, view)


COORDINATORS = [*api_settings.DEFAULT_PERMISSION_CLASSES, IsCoordinator]


# --- kits and blocks -----------------------------------------------------------------------


class CoordinatedMunicipalityField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Municipality.objects.filter(pk__in=self.context["request"].roles.coordinator_of)


class CoordinatedVenueField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        roles = self.context["request"].roles
        return Venue.objects.filter(neighbourhood__municipality_id__in=roles.coordinator_of)


def only_municipality(roles, data: dict, field: str = "municipality"):
    """The municipality sent, or the coordinator's only one; 400 naming the field otherwise."""
    if data.get(field) is not None:
        return data[field]
    if len(roles.coordinator_of) == 1:
        return Municipality.objects.get(pk=next(iter(roles.coordinator_of)))
    raise serializers.ValidationError({field: [_("Choose one of your municipalities.")]})


class KitSerializer(ModelSerializer):
    municipality = CoordinatedMunicipalityField(
        queryset=Municipality.objects.none(),
        required=False,
        help_text=_("Only when creating; optional when you coordinate one municipality."),
    )
    home_venue = CoordinatedVenueField(
        queryset=Venue.objects.none(), allow_null=True, required=False
    )
    max_class_size = serializers.IntegerField(
        read_only=True, help_text=_("Twice the headsets: a class plays in two rotations.")
    )

    class Meta:
        model = Kit
        fields = [
            "id",
            "municipality",
            "name",
            "headsets",
            "max_class_size",
            "home_venue",
            "is_active",
        ]
        # The service checks the name per municipality (ignoring case) and names the field.
        validators = []


class KitBlockSerializer(ModelSerializer):
    confirm = serializers.BooleanField(
        write_only=True,
        default=False,
        help_text=_(
            "Block even when the kit has pending offers or confirmed visits then: they are "
            "withdrawn or cancelled (heroes and schools told) and matched again."
        ),
    )

    class Meta:
        model = KitBlock
        fields = ["id", "kit", "starts_at", "ends_at", "reason", "confirm"]
        read_only_fields = ["kit"]


@extend_schema_view(
    list=extend_schema(
        summary="VR kits of your municipalities (coordinators, school staff and heroes)"
    ),
    retrieve=extend_schema(summary="One VR kit"),
    create=extend_schema(
        summary="Add a VR kit (coordinators)",
        responses={201: KitSerializer, 400: BAD_INPUT, 403: NOT_COORDINATOR},
    ),
    update=extend_schema(
        summary="Change a VR kit (coordinators); `in use` off only without visits ahead",
        responses={200: KitSerializer, 400: BAD_INPUT, 403: NOT_COORDINATOR},
    ),
    partial_update=extend_schema(
        summary="Change some of a VR kit's details (coordinators)",
        responses={200: KitSerializer, 400: BAD_INPUT, 403: NOT_COORDINATOR},
    ),
)
class KitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Kits are never deleted: visits keep pointing at them. Set `is_active` to false."""

    queryset = Kit.objects.none()
    serializer_class = KitSerializer
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, ReadOrCoordinator]
    filter_backends = []

    def get_queryset(self):
        roles = self.request.roles
        if self.request.method in permissions.SAFE_METHODS:
            return selectors.kits_for(roles)
        return selectors.kits_for_coordinator(roles)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.kit_create(
            municipality=only_municipality(self.request.roles, data),
            name=data["name"],
            headsets=data["headsets"],
            home_venue=data.get("home_venue"),
            is_active=data.get("is_active", True),
        )

    def perform_update(self, serializer):
        kit, data = serializer.instance, serializer.validated_data
        if "municipality" in data and data["municipality"].pk != kit.municipality_id:
            raise serializers.ValidationError(
                {"municipality": [_("A kit cannot move to another municipality.")]}
            )
        serializer.instance = services.kit_update(
            kit=kit,
            name=data.get("name", kit.name),
            headsets=data.get("headsets", kit.headsets),
            home_venue=data.get("home_venue", kit.home_venue),
            is_active=data.get("is_active", kit.is_active),
        )

    @extend_schema(
        methods=["GET"],
        summary="The kit's maintenance blocks that have not ended",
        responses={200: KitBlockSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Block the kit for a time (coordinators)",
        description="A block over pending offers or confirmed visits with the kit answers 409 "
        "`block_affects_visits` listing them in `affected`; send it again with `confirm: true` "
        "to block anyway: they are withdrawn or cancelled, the heroes and schools are told, and "
        "matching looks again. A block overlapping another block of the kit (also: the same "
        "block sent twice) is a 409 `block_overlaps` naming it in `existing`. A block that has "
        "already ended is a 400 naming `ends_at`.",
        request=KitBlockSerializer,
        responses={
            201: KitBlockSerializer,
            400: BAD_INPUT,
            403: NOT_COORDINATOR,
            409: refused("`block_affects_visits` or `block_overlaps`.", BlockAffectsSerializer),
        },
    )
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=KitBlockSerializer,
        pagination_class=None,
    )
    def blocks(self, request, pk=None):
        kit = self.get_object()
        if request.method == "POST":
            form = KitBlockSerializer(data=request.data)
            form.is_valid(raise_exception=True)
            block = services.kit_block_add(kit=kit, now=timezone.now(), **form.validated_data)
            return Response(KitBlockSerializer(block).data, status=status.HTTP_201_CREATED)
        blocks = selectors.kit_blocks(kit, since=timezone.now())
        return Response(KitBlockSerializer(blocks, many=True).data)


class KitBlockFilter(django_filters.FilterSet):
    # Only the coordinator's kits are choices: another municipality's kit and a kit that does
    # not exist get the same answer (400, not a valid choice).
    kit = django_filters.ModelChoiceFilter(
        queryset=lambda request: Kit.objects.filter(
            municipality_id__in=request.roles.coordinator_of
        )
    )

    class Meta:
        model = KitBlock
        fields = ["kit"]


@extend_schema_view(
    list=extend_schema(summary="Maintenance blocks of your kits that have not ended"),
    retrieve=extend_schema(summary="One maintenance block"),
    destroy=extend_schema(summary="Remove a maintenance block; the kit can be matched then"),
)
class KitBlockViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    queryset = KitBlock.objects.none()
    serializer_class = KitBlockSerializer
    permission_classes = COORDINATORS
    filterset_class = KitBlockFilter

    def get_queryset(self):
        qs = KitBlock.objects.filter(kit__municipality_id__in=self.request.roles.coordinator_of)
        if self.action == "list":
            qs = qs.filter(ends_at__gt=timezone.now())
        return qs.order_by("starts_at", "pk")

    def perform_destroy(self, instance):
        services.kit_block_remove(block=instance)


# --- matching runs -------------------------------------------------------------------------


class MatchingRunSerializer(ModelSerializer):
    # Plain strings: several scheduler models name their choices `status`, and one enum per
    # field name keeps the schema free of naming collisions.
    status = serializers.CharField(read_only=True, help_text=_("queued, running, done or failed"))
    step = serializers.CharField(
        read_only=True, help_text=_("loading, solving, writing or done while it runs")
    )
    progress = serializers.IntegerField(read_only=True, help_text=_("Percent, 0 to 100."))

    class Meta:
        model = MatchingRun
        fields = [
            "id",
            "municipality",
            "trigger",
            "status",
            "progress",
            "step",
            "started_by",
            "created_at",
            "started_at",
            "finished_at",
            "requests_open",
            "offers_made",
            "unmatched",
            "upper_bound",
            "solve_s",
            "engine_status",
            "error",
        ]
        read_only_fields = fields


class MatchingRunStartedSerializer(MatchingRunSerializer):
    already_running = serializers.BooleanField(
        read_only=True, help_text=_("True when this is a run that was already queued or running.")
    )

    class Meta(MatchingRunSerializer.Meta):
        fields = [*MatchingRunSerializer.Meta.fields, "already_running"]
        read_only_fields = fields


class MatchingRunStartSerializer(serializers.Serializer):
    municipality = CoordinatedMunicipalityField(
        queryset=Municipality.objects.none(),
        required=False,
        help_text=_("Optional when you coordinate one municipality."),
    )


class MatchingRunFilter(django_filters.FilterSet):
    municipality = django_filters.ModelChoiceFilter(
        queryset=lambda request: Municipality.objects.filter(pk__in=request.roles.coordinator_of)
    )

    class Meta:
        model = MatchingRun
        fields = ["municipality", "status"]


@extend_schema_view(
    list=extend_schema(summary="Matching runs of your municipalities, newest first"),
    retrieve=extend_schema(summary="One matching run, with its progress"),
    create=extend_schema(
        summary="Run matching now",
        description="Queues a run for the municipality (201). When one is already queued or "
        "running, answers 200 with that run and `already_running: true`. Poll the run for "
        "its progress.",
        request=MatchingRunStartSerializer,
        responses={
            200: MatchingRunStartedSerializer,
            201: MatchingRunStartedSerializer,
            400: BAD_INPUT,
            403: NOT_COORDINATOR,
        },
    ),
)
class MatchingRunViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = MatchingRun.objects.none()
    serializer_class = MatchingRunSerializer
    permission_classes = COORDINATORS
    filterset_class = MatchingRunFilter

    def get_queryset(self):
        return selectors.runs_for_coordinator(self.request.roles)

    def create(self, request, *args, **kwargs):
        form = MatchingRunStartSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        municipality = only_municipality(request.roles, form.validated_data)
        run, created = queue.run_request(
            municipality_id=municipality.pk,
            trigger=MatchingRun.Trigger.MANUAL,
            started_by=request.user,
        )
        run.refresh_from_db()  # tasks in-process may have finished it already
        run.already_running = not created
        return Response(
            MatchingRunStartedSerializer(run).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


# --- assigning by hand ---------------------------------------------------------------------


class HeroRefSerializer(ModelSerializer):
    class Meta:
        model = Hero
        fields = ["id", "display_name"]


class KitRefSerializer(ModelSerializer):
    class Meta:
        model = Kit
        fields = ["id", "name"]


class AssignmentSerializer(ModelSerializer):
    """An offer made by hand (or by a run), as the coordinator sees it."""

    hero = HeroRefSerializer(read_only=True)
    kit = KitRefSerializer(read_only=True, allow_null=True)
    status = serializers.CharField(
        read_only=True, help_text=_("pending, accepted, declined, expired or withdrawn")
    )
    rule_warnings = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("The rules it breaks, when assigned by hand anyway."),
    )

    class Meta:
        model = Offer
        fields = [
            "id",
            "request",
            "hero",
            "kit",
            "starts_at",
            "ends_at",
            "status",
            "expires_at",
            "manual_by",
            "rule_warnings",
            "created_at",
        ]
        read_only_fields = fields


class CoordinatedRequestField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        roles = self.context["request"].roles
        return SessionRequest.objects.filter(
            school__neighbourhood__municipality_id__in=roles.coordinator_of
        ).select_related("school__neighbourhood")


class CoordinatedHeroField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        roles = self.context["request"].roles
        return Hero.objects.active().filter(municipality_id__in=roles.coordinator_of)


class CoordinatedKitField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Kit.objects.filter(municipality_id__in=self.context["request"].roles.coordinator_of)


class AssignmentCreateSerializer(serializers.Serializer):
    request = CoordinatedRequestField(queryset=SessionRequest.objects.none())
    hero = CoordinatedHeroField(queryset=Hero.objects.none())
    kit = CoordinatedKitField(
        queryset=Kit.objects.none(),
        allow_null=True,
        required=False,
        help_text=_("Needed for a VR session."),
    )
    starts_at = serializers.DateTimeField()
    force = serializers.BooleanField(
        default=False,
        help_text=_("Assign even though it breaks rules (after a 409 `breaks_rules`)."),
    )


def assignments_for(roles):
    return (
        Offer.objects.filter(
            manual_by__isnull=False,
            request__school__neighbourhood__municipality_id__in=roles.coordinator_of,
        )
        .select_related("hero", "kit")
        .order_by("-created_at", "-pk")
    )


@extend_schema_view(
    list=extend_schema(summary="Offers coordinators assigned by hand, newest first"),
    create=extend_schema(
        summary="Assign a request by hand: offer it to a hero (and kit) at a time",
        description="The hero gets the offer like any other. When the choice breaks a matching "
        "rule the answer is 409 `breaks_rules` with the `warnings`; send it again with "
        "`force: true` to offer it anyway (the warnings stay on the offer). Any pending "
        "offer or confirmed visit of the request is withdrawn.",
        request=AssignmentCreateSerializer,
        responses={
            201: AssignmentSerializer,
            400: BAD_INPUT,
            403: NOT_COORDINATOR,
            409: refused(
                "`breaks_rules` (with `warnings`), or `request_closed`.", RuleWarningsSerializer
            ),
        },
    ),
)
class AssignmentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    queryset = Offer.objects.none()
    serializer_class = AssignmentSerializer
    permission_classes = COORDINATORS
    filter_backends = []

    def get_queryset(self):
        return assignments_for(self.request.roles)

    def create(self, request, *args, **kwargs):
        form = AssignmentCreateSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        data = form.validated_data
        offer = services.offer_assign_manually(
            session_request=data["request"],
            hero=data["hero"],
            kit=data.get("kit"),
            starts_at=data["starts_at"],
            by=request.user,
            force=data["force"],
            now=timezone.now(),
        )
        offer = self.get_queryset().get(pk=offer.pk)
        return Response(AssignmentSerializer(offer).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    """Register the coordinators' matching endpoints on the project's API router."""
    router.register("kits", KitViewSet, basename="kit")
    router.register("kit-blocks", KitBlockViewSet, basename="kit-block")
    router.register("matching-runs", MatchingRunViewSet, basename="matching-run")
    router.register("assignments", AssignmentViewSet, basename="assignment")
