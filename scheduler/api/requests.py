"""API for school staff's session requests (Local Hero visits and VR game sessions).

Staff read and change their schools' requests; coordinators read those of their
municipalities. Reads go through scheduler.selectors, writes through scheduler.services. Bad
input is a 400 naming the field; a refusal from scheduler.errors answers its own status with
`{"detail": message, "code": code}`.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import (
    IDEMPOTENCY_KEY,
    ErrorSerializer,
    ModelSerializer,
    bad_input,
    earlier_create,
    idempotency_key,
    refused,
)
from heroes.api import TopicRefSerializer
from heroes.models import LANGUAGE_CHOICES, LANGUAGE_CODES, Topic
from schools.api import SchoolRefSerializer
from schools.models import Group, School, current_school_year

from .. import selectors, services
from ..fit_text import FIT_CODES, why_for_school
from ..models import DURATION_CHOICES, Offer, RequestWindow, SessionRequest, Visit
from ..reasons_text import decline_note, reason_text

# --- output --------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "enum": LANGUAGE_CODES})
class LanguageField(serializers.ChoiceField):
    """A language code. Described inline: the heroes API names the same choices differently
    (`languages`), and one choice set under two enum names is a schema warning."""

    def __init__(self, **kwargs):
        super().__init__(choices=LANGUAGE_CHOICES, **kwargs)


class RequestGroupSerializer(ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "name", "grade", "school_year"]


class RequestWindowSerializer(ModelSerializer):
    class Meta:
        model = RequestWindow
        fields = ["starts_at", "ends_at"]


class RequestVisitSerializer(ModelSerializer):
    hero = serializers.CharField(
        source="hero.display_name", read_only=True, help_text=_("The hero's display name.")
    )
    kit = serializers.CharField(
        source="kit.name",
        read_only=True,
        allow_null=True,
        help_text=_("The VR kit's name; empty for a Local Hero visit."),
    )

    fit = serializers.ListField(
        source="offer.fit",
        child=serializers.ChoiceField(choices=FIT_CODES),
        read_only=True,
        help_text=_("Why matching chose this hero, as codes: topic, language, place, before."),
    )
    why = serializers.SerializerMethodField(
        help_text=_("Why matching chose this hero, in words; empty if nothing stood out.")
    )

    class Meta:
        model = Visit
        fields = ["id", "hero", "starts_at", "ends_at", "kit", "fit", "why"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_why(self, visit: Visit) -> list[str]:
        return why_for_school(visit.offer.fit, visit.request)


class RequestDeclineSerializer(ModelSerializer):
    hero = serializers.CharField(
        source="hero.display_name", read_only=True, help_text=_("The hero's display name.")
    )
    decline_code = serializers.ChoiceField(
        choices=Offer.DeclineCode.choices,
        allow_blank=True,
        read_only=True,
        help_text=_(
            "The reason the hero chose; empty when they chose none (declines from before "
            "reasons could be chosen, and heroes who withdrew from a visit they had accepted)."
        ),
    )
    reason = serializers.CharField(
        source="decline_reason", read_only=True, help_text=_("Empty when they gave none.")
    )
    declined_at = serializers.DateTimeField(source="responded_at", read_only=True)

    class Meta:
        model = Offer
        fields = ["hero", "decline_code", "reason", "declined_at", "starts_at"]


class SessionRequestSerializer(ModelSerializer):
    school = SchoolRefSerializer(read_only=True)
    group = RequestGroupSerializer(read_only=True)
    topic = TopicRefSerializer(read_only=True, allow_null=True)
    language = LanguageField(read_only=True)
    unmatched_reason_text = serializers.SerializerMethodField(
        help_text=_("The reason in words; empty if none.")
    )
    windows = RequestWindowSerializer(many=True, read_only=True)
    visit = serializers.SerializerMethodField(
        help_text=_("The confirmed visit; empty until a hero has said yes.")
    )
    decline_note = serializers.SerializerMethodField(
        help_text=_(
            "While a hero is still sought after one said no or let the offer pass: a kind "
            "sentence for the school, naming no one. Empty otherwise."
        )
    )
    declines = serializers.SerializerMethodField(
        help_text=_(
            "Heroes who said no and why, latest first: only for coordinators of the "
            "request's municipality (null for school staff, whom `decline_note` tells)."
        )
    )

    class Meta:
        model = SessionRequest
        fields = [
            "id",
            "school",
            "group",
            "kind",
            "topic",
            "topic_required",
            "language",
            "duration_min",
            "class_size",
            "notes",
            "status",
            "unmatched_reason",
            "unmatched_reason_text",
            "windows",
            "visit",
            "decline_note",
            "declines",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "unmatched_reason": {
                "help_text": _("Why the last matching run found nobody (a code); empty if none.")
            }
        }

    def get_unmatched_reason_text(self, obj: SessionRequest) -> str:
        return reason_text(obj.unmatched_reason)

    def get_decline_note(self, obj: SessionRequest) -> str:
        return decline_note(obj)

    @extend_schema_field(RequestDeclineSerializer(many=True, allow_null=True))
    def get_declines(self, obj: SessionRequest) -> list | None:
        request = self.context.get("request")
        if request is None or not selectors.coordinates(request.roles, obj):
            return None
        return RequestDeclineSerializer(selectors.declines_of(obj), many=True).data

    @extend_schema_field(RequestVisitSerializer(allow_null=True))
    def get_visit(self, obj: SessionRequest) -> dict | None:
        visits = obj.confirmed_visits  # prefetched by the selector
        return RequestVisitSerializer(visits[0]).data if visits else None


# --- input ---------------------------------------------------------------------------------


def _staff_roles(field: serializers.Field):
    return field.context["request"].roles


class StaffGroupField(serializers.PrimaryKeyRelatedField):
    """A group of this school year at a school the person works at; the school comes with it."""

    default_error_messages = {
        "does_not_exist": _("Choose a group of this school year at a school you work at."),
    }

    def get_queryset(self):
        return Group.objects.filter(
            school_id__in=_staff_roles(self).staff_of,
            school_year=current_school_year(timezone.localdate()),
        ).select_related("school__neighbourhood")


class StaffTopicField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {"does_not_exist": _("Choose a topic of your municipality.")}

    def get_queryset(self):
        return Topic.objects.filter(
            municipality__neighbourhoods__schools__id__in=_staff_roles(self).staff_of
        ).distinct()


class RequestWindowInputSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(help_text=_("Without an offset: Dutch time."))
    ends_at = serializers.DateTimeField()


def _windows(rows: list[dict]) -> list[tuple]:
    return [(row["starts_at"], row["ends_at"]) for row in rows]


def _same_request(first: SessionRequest, data: dict, windows: list[tuple]) -> bool:
    """Whether a create sent again asks for what `first` was made from."""
    asked = (
        data["group"].pk,
        data["kind"],
        data["topic"].pk if data["topic"] else None,
        data["topic_required"],
        data["language"],
        data["duration_min"],
        data["notes"].strip(),
        sorted(windows),
    )
    made = (
        first.group_id,
        first.kind,
        first.topic_id,
        first.topic_required,
        first.language,
        first.duration_min,
        first.notes,
        sorted((w.starts_at, w.ends_at) for w in first.windows.all()),
    )
    return asked == made


class SessionRequestRescheduleSerializer(serializers.Serializer):
    windows = RequestWindowInputSerializer(
        many=True,
        help_text=_(
            "Times the class can receive the visit, each on one school day and long enough "
            "for the session; they must not overlap."
        ),
    )


class SessionRequestCreateSerializer(SessionRequestRescheduleSerializer):
    group = StaffGroupField(queryset=Group.objects.none())
    kind = serializers.ChoiceField(choices=SessionRequest.Kind.choices)
    topic = StaffTopicField(
        queryset=Topic.objects.none(), allow_null=True, required=False, default=None
    )
    topic_required = serializers.BooleanField(
        default=False,
        help_text=_(
            "True: only a hero with the topic may come (a hard rule). False: the topic is a "
            "wish that matching tries to meet."
        ),
    )
    language = LanguageField(default="nl")
    duration_min = serializers.ChoiceField(choices=DURATION_CHOICES, default=60)
    notes = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class SessionRequestCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=300,
        allow_blank=True,
        required=False,
        default="",
        help_text=_("Told to the hero when a visit was planned."),
    )


# --- views ---------------------------------------------------------------------------------


def _schools_in_scope(request):
    if request is None:
        return School.objects.none()
    roles = request.roles
    return School.objects.filter(
        Q(pk__in=roles.staff_of) | Q(neighbourhood__municipality_id__in=roles.coordinator_of)
    )


class SessionRequestFilter(django_filters.FilterSet):
    school = django_filters.ModelChoiceFilter(queryset=_schools_in_scope)

    class Meta:
        model = SessionRequest
        fields = ["status", "kind", "school"]


class DuplicateRequestErrorSerializer(ErrorSerializer):
    """The body of a `duplicate_request` refusal (schema only)."""

    existing = serializers.IntegerField(help_text=_("The id of the request already there."))


CHANGE_REFUSED = {
    400: bad_input(),
    404: refused("Not a request of a school you work at."),
    409: refused("Cancelled or already took place (`request_closed`)."),
}


@extend_schema_view(
    list=extend_schema(
        summary="Session requests of your schools, or of the municipalities you coordinate",
        description="Newest first. Filter with `status`, `kind` and `school`.",
    ),
    retrieve=extend_schema(summary="One session request, with its windows and visit"),
)
class SessionRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = SessionRequest.objects.none()
    serializer_class = SessionRequestSerializer
    filterset_class = SessionRequestFilter

    def get_queryset(self):
        return selectors.requests_for(self.request.roles)

    def _answer(self, pk, code=status.HTTP_200_OK) -> Response:
        fresh = selectors.get_request(self.request.roles, pk)
        context = self.get_serializer_context()
        return Response(SessionRequestSerializer(fresh, context=context).data, status=code)

    @extend_schema(
        summary="Ask for a Local Hero visit or a VR game session (school staff)",
        description=(
            "The school is the group's. Matching looks for a hero within minutes. A group has "
            "at most one live request of a kind at overlapping times (409 `duplicate_request`, "
            "with the id of that request in `existing`). Send an `Idempotency-Key` to retry "
            "safely."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=SessionRequestCreateSerializer,
        responses={
            201: SessionRequestSerializer,
            200: OpenApiResponse(
                SessionRequestSerializer,
                description="Sent again with the same Idempotency-Key: the first request.",
            ),
            400: bad_input(),
            403: refused("Not school staff."),
            409: refused(
                "The group has a live request of this kind at an overlapping time "
                "(`duplicate_request`; `existing` is its id).",
                DuplicateRequestErrorSerializer,
            ),
            422: refused(
                "The Idempotency-Key was used with other data (`idempotency_key_reused`)."
            ),
        },
    )
    def create(self, request, *args, **kwargs):
        if not request.roles.is_staff:
            raise exceptions.PermissionDenied(_("Only school staff can ask for visits."))
        key = idempotency_key(request)
        form = SessionRequestCreateSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        windows = _windows(data.pop("windows"))
        first = earlier_create(
            SessionRequest.objects.filter(requested_by=request.user),
            key,
            lambda made: _same_request(made, data, windows),
        )
        if first is not None:
            return self._answer(first.pk)
        created = services.request_create(
            school=data["group"].school,
            requested_by=request.user,
            windows=windows,
            now=timezone.now(),
            submission_key=key,
            **data,
        )
        return self._answer(created.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Cancel a request; a planned visit is cancelled and the hero told",
        request=SessionRequestCancelSerializer,
        responses={200: SessionRequestSerializer, **CHANGE_REFUSED},
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def cancel(self, request, pk=None):
        session_request = selectors.get_request_for_staff(request.roles, pk)
        form = SessionRequestCancelSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.request_cancel(
            session_request=session_request,
            reason=form.validated_data["reason"],
            now=timezone.now(),
        )
        return self._answer(session_request.pk)

    @extend_schema(
        summary="New preferred times: any offer or visit is cancelled and matching looks again",
        request=SessionRequestRescheduleSerializer,
        responses={
            200: SessionRequestSerializer,
            **CHANGE_REFUSED,
            409: refused(
                "Cancelled or already took place (`request_closed`), or the group has another "
                "live request of this kind at an overlapping time (`duplicate_request`)."
            ),
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def reschedule(self, request, pk=None):
        session_request = selectors.get_request_for_staff(request.roles, pk)
        form = SessionRequestRescheduleSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.request_reschedule(
            session_request=session_request,
            windows=_windows(form.validated_data["windows"]),
            now=timezone.now(),
        )
        return self._answer(session_request.pk)


def register(router) -> None:
    """Register the session request endpoints on the project's API router."""
    router.register("session-requests", SessionRequestViewSet, basename="session-request")
