"""API for offers and visits: a hero answers their offers (`offers/`), and heroes, school staff
and coordinators read the visits they are part of (`visits/`); the visit's own hero can say
they can no longer come. Reads go through scheduler.selectors, writes through
scheduler.services; a refusal from those (scheduler.errors) answers its own status with
`{"detail": message, "code": code}` and nothing has changed."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ModelSerializer, bad_input, refused
from core.time import local_datetime
from heroes.api import TopicRefSerializer, my_hero
from schools.api import SchoolRefSerializer

from .. import selectors, services
from ..fit_text import FIT_CODES, why_for_hero
from ..forms.hero import REASON_MAX
from ..models import Kit, Offer, SessionRequest, Visit
from ..reasons_text import rule_text

# --- who may ask ---------------------------------------------------------------------------


class IsHero(permissions.BasePermission):
    """Offers are for Local Heroes; anyone else is refused, as on the offers page."""

    message = _("Only Local Heroes have offers.")

    def has_permission(self, request, view) -> bool:
        return request.roles.is_hero


class TakesPartInVisits(permissions.BasePermission):
    message = _("Visits are for Local Heroes, school staff and coordinators.")

    def has_permission(self, request, view) -> bool:
        roles = request.roles
        return roles.is_hero or roles.is_staff or roles.is_coordinator


def visits_for(request):
    """The visits a person takes part in: their own as a hero (confirmed ones), their schools'
    as staff, their municipalities' as coordinator; one query, however many roles they hold."""
    roles = request.roles
    qs = selectors.visits_for(roles)
    if roles.is_hero:
        own = selectors.visits_for_hero(my_hero(request))
        qs = (qs | own) if roles.is_staff or roles.is_coordinator else own
    return qs


# --- serializers ---------------------------------------------------------------------------


class VisitKitRefSerializer(ModelSerializer):
    class Meta:
        model = Kit
        fields = ["id", "name"]


class SessionFieldsMixin(serializers.Serializer):
    """What an offer and a visit share: the request's school, group, kind and topic."""

    request = serializers.IntegerField(source="request_id", read_only=True)
    school = SchoolRefSerializer(source="request.school", read_only=True)
    address = serializers.CharField(
        source="request.school.address", read_only=True, help_text=_("The school's address.")
    )
    group = serializers.CharField(source="request.group.name", read_only=True)
    kind = serializers.ChoiceField(
        source="request.kind", choices=SessionRequest.Kind.choices, read_only=True
    )
    topic = TopicRefSerializer(source="request.topic", read_only=True, allow_null=True)
    kit = VisitKitRefSerializer(read_only=True, allow_null=True)


class OfferSerializer(SessionFieldsMixin, ModelSerializer):
    language = serializers.CharField(
        source="request.language",
        read_only=True,
        help_text=_("The language of the visit, a code as in a hero's `languages`."),
    )
    class_size = serializers.IntegerField(source="request.class_size", read_only=True)
    notes = serializers.CharField(
        source="request.notes", read_only=True, help_text=_("The school's notes.")
    )
    decline_code = serializers.ChoiceField(
        choices=Offer.DeclineCode.choices,
        allow_blank=True,
        read_only=True,
        help_text=_(
            "The reason you chose when you declined; empty when the offer was not declined, "
            "or declined before reasons could be chosen."
        ),
    )
    broken_rules = serializers.SerializerMethodField(
        help_text=_(
            "When a coordinator chose you by hand against the usual rules: those rules, in "
            "words. Empty otherwise."
        )
    )
    fit = serializers.ListField(
        child=serializers.ChoiceField(choices=FIT_CODES),
        read_only=True,
        help_text=_("Why matching chose you, as codes: topic, language, place, before."),
    )
    why = serializers.SerializerMethodField(
        help_text=_(
            "Why matching chose you, in words in your language; empty if nothing stood out."
        )
    )

    class Meta:
        model = Offer
        fields = [
            "id",
            "request",
            "school",
            "address",
            "group",
            "kind",
            "topic",
            "language",
            "class_size",
            "notes",
            "kit",
            "starts_at",
            "ends_at",
            "status",
            "expires_at",
            "responded_at",
            "decline_reason",
            "decline_code",
            "broken_rules",
            "fit",
            "why",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_broken_rules(self, offer: Offer) -> list[str]:
        return [rule_text(note) for note in offer.rule_warnings]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_why(self, offer: Offer) -> list[str]:
        return why_for_hero(offer.fit, offer.request)


class VisitSerializer(SessionFieldsMixin, ModelSerializer):
    hero = serializers.CharField(source="hero.display_name", read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "request",
            "school",
            "address",
            "group",
            "kind",
            "topic",
            "hero",
            "kit",
            "starts_at",
            "ends_at",
            "status",
            "sequence",
        ]
        read_only_fields = fields


class DeclineSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=Offer.DeclineCode.choices,
        required=False,
        default=Offer.DeclineCode.OTHER,
        help_text=_(
            "The reason that fits best; coordinators count these. Send it: it is optional "
            "only so that older clients keep working, and a decline without it counts as "
            "`other`."
        ),
    )
    reason = serializers.CharField(
        max_length=REASON_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Optional, anything else in words; only the coordinator reads it, not the school."
        ),
    )


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=REASON_MAX,
        help_text=_("Why you can no longer come; the school reads it."),
        error_messages={
            "required": _("Tell the school why you cannot come."),
            "blank": _("Tell the school why you cannot come."),
        },
    )


# --- filters -------------------------------------------------------------------------------


class OfferFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Offer.Status.choices)

    class Meta:
        model = Offer
        fields = ["status"]


class VisitFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Visit.Status.choices)

    class Meta:
        model = Visit
        fields = ["status"]

    def filter_from(self, queryset, name, value: dt.date):
        start = local_datetime(value, dt.time.min)
        return queryset.filter(starts_at__gte=start)


# `from` is a Python keyword, so it cannot be declared in the class body.
VisitFilter.base_filters["from"] = django_filters.DateFilter(
    field_name="starts_at",
    method="filter_from",
    label=_("Only visits on this day (YYYY-MM-DD) or later"),
)


# --- offers --------------------------------------------------------------------------------

ANSWER_REFUSED = {
    403: refused("Not a Local Hero."),
    404: refused("No offer of yours with this id."),
    409: refused(
        "Already answered or withdrawn (`offer_closed`), past its deadline (`offer_expired`), "
        "or it no longer fits your agenda (`no_longer_fits`, the offer is then withdrawn)."
    ),
}


@extend_schema_view(
    list=extend_schema(
        summary="Your offers as a Local Hero (403 for anyone else)",
        description="All your offers, soonest deadline first; `status=pending` lists the ones "
        "waiting for your answer.",
    ),
    retrieve=extend_schema(summary="One of your offers"),
)
class OfferViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Offer.objects.none()
    serializer_class = OfferSerializer
    filterset_class = OfferFilter
    permission_classes = [*viewsets.ReadOnlyModelViewSet.permission_classes, IsHero]

    def get_queryset(self):
        return selectors.offers_for_hero(my_hero(self.request), pending_only=False)

    def _visit(self, pk: int) -> Visit:
        return selectors.get_visit_for_hero(my_hero(self.request), pk)

    @extend_schema(
        summary="Accept an offer: the visit is confirmed and the school is told",
        request=None,
        responses={200: VisitSerializer, **ANSWER_REFUSED},
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def accept(self, request, pk=None):
        offer = self.get_object()
        visit = services.offer_accept(offer=offer, now=timezone.now())
        return Response(VisitSerializer(self._visit(visit.pk)).data)

    @extend_schema(
        summary="Decline an offer: the request goes to another hero",
        request=DeclineSerializer,
        responses={
            200: OfferSerializer,
            400: bad_input(),
            **ANSWER_REFUSED,
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def decline(self, request, pk=None):
        offer = self.get_object()
        form = DeclineSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.offer_decline(
            offer=offer,
            code=form.validated_data["code"],
            reason=form.validated_data["reason"],
            now=timezone.now(),
        )
        return Response(OfferSerializer(self.get_queryset().get(pk=offer.pk)).data)


# --- visits --------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Visits you take part in: your own as a hero, your schools' or your "
        "municipalities' visits",
        description="Soonest first. `from=YYYY-MM-DD` lists visits on that day or later; "
        "`status` is `confirmed` or `cancelled`. A hero sees their confirmed visits.",
    ),
    retrieve=extend_schema(summary="One visit"),
)
class VisitViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Visit.objects.none()
    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    permission_classes = [*viewsets.ReadOnlyModelViewSet.permission_classes, TakesPartInVisits]

    def get_queryset(self):
        return visits_for(self.request)

    @extend_schema(
        summary="Say you can no longer come: the visit is cancelled, the school is told and "
        "another hero is sought",
        request=WithdrawSerializer,
        responses={
            200: VisitSerializer,
            400: bad_input(
                "No reason given (the body names `reason`), or the visit has "
                "already started or been cancelled (`invalid`)."
            ),
            404: refused("Not a visit of yours."),
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def withdraw(self, request, pk=None):
        hero = my_hero(request)
        visit = selectors.get_visit_for_hero(hero, pk)
        form = WithdrawSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.visit_withdraw(
            visit=visit, reason=form.validated_data["reason"], now=timezone.now()
        )
        return Response(VisitSerializer(selectors.get_visit_for_hero(hero, visit.pk)).data)


def register(router) -> None:
    """Register the offers and visits endpoints on the project's API router."""
    router.register("offers", OfferViewSet, basename="offer")
    router.register("visits", VisitViewSet, basename="visit")
