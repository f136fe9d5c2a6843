"""API for after-school activities: browsing, a parent's children and enrolments (with waiting-
list offers), and the attendance register for staff. Reads go through activities.selectors,
writes through activities.services and activities.waitlist; a refusal from those
(activities.errors) answers its own status with `{"detail": message, "code": code}` (through
config.exceptions)."""

from __future__ import annotations

from django import forms
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import filters, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import (
    IDEMPOTENCY_KEY,
    ModelSerializer,
    bad_input,
    earlier_create,
    idempotency_key,
    refused,
    same_fields,
)
from core.audit import record_view
from core.ids import MAX_ID, as_id
from schools.api import (
    NeighbourhoodRefSerializer,
    SchoolRefSerializer,
    StrictBooleanFilter,
    VenueRefSerializer,
)
from schools.models import Group, Neighbourhood, School
from schools.selectors import neighbourhoods_visible_to, schools_visible_to

from . import api_venues, notices, selectors, services, venues, waitlist
from .consent import consent_text, is_current
from .forms.family import groups_for_school
from .models import AbsenceNotice, Activity, Attendance, Child, Enrolment, Occurrence
from .schedule import past_session_dates

# --- scoped reads --------------------------------------------------------------------------


def _visible(roles) -> Q:
    """Published activities for everyone; staff and coordinators also their own drafts and
    cancelled ones (the same rows as selectors.activities_published / activities_managed_by,
    as one condition rather than two subqueries)."""
    visible = Q(status=Activity.Status.PUBLISHED)
    if roles.staff_of or roles.coordinator_of:
        visible |= Q(school_id__in=roles.staff_of) | Q(
            school__neighbourhood__municipality_id__in=roles.coordinator_of
        )
    return visible


def activities_for(roles):
    return (
        Activity.objects.filter(_visible(roles))
        .select_related("school__neighbourhood", "venue__neighbourhood")
        .annotate(waitlist_length=selectors.enrolment_count(Enrolment.Status.WAITLISTED))
        .order_by(*Activity._meta.ordering, "pk")
    )


def enrolments_for(user):
    return selectors.enrolments_with_positions(user)


# --- activities ----------------------------------------------------------------------------


class OccurrenceSerializer(ModelSerializer):
    cancelled = serializers.BooleanField(source="is_cancelled", read_only=True)

    class Meta:
        model = Occurrence
        fields = ["id", "date", "starts_at", "ends_at", "cancelled", "cancel_reason"]


class EnrolmentWindowSerializer(serializers.Serializer):
    opens_at = serializers.DateTimeField(source="enrolment_opens_at")
    closes_at = serializers.DateTimeField(source="enrolment_closes_at")
    is_open = serializers.SerializerMethodField()

    def get_is_open(self, activity: Activity) -> bool:
        return activity.window_is_open(self.context["now"])


class ActivitySerializer(ModelSerializer):
    school = SchoolRefSerializer(read_only=True)
    venue = VenueRefSerializer(read_only=True, allow_null=True)
    neighbourhood = NeighbourhoodRefSerializer(source="place.neighbourhood", read_only=True)
    places_left = serializers.IntegerField(read_only=True)
    waitlist_length = serializers.IntegerField(read_only=True)
    enrolment_window = EnrolmentWindowSerializer(source="*", read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "title",
            "category",
            "status",
            "school",
            "venue",
            "neighbourhood",
            "level",
            "grade_min",
            "grade_max",
            "weekday",
            "start_time",
            "end_time",
            "first_date",
            "last_date",
            "capacity",
            "places_left",
            "waitlist_length",
            "allocation",
            "enrolment_window",
        ]


class ActivityDetailSerializer(ActivitySerializer):
    occurrences = OccurrenceSerializer(many=True, read_only=True)
    # The same choices as the list's `status`. Declared without them because the schema
    # generator warns when one choice set under a shared field name (enrolments have a
    # `status` too) sits in two components; ENUM_NAME_OVERRIDES in settings would lift this.
    status = serializers.CharField(
        read_only=True, help_text=_("draft, published or cancelled, as in the list.")
    )

    class Meta(ActivitySerializer.Meta):
        fields = [
            *ActivitySerializer.Meta.fields,
            "description",
            "bring",
            "offer_hours",
            "occurrences",
        ]


class GradeFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ActivityFilter(django_filters.FilterSet):
    school = django_filters.ModelChoiceFilter(
        queryset=lambda request: schools_visible_to(request.roles)
    )
    neighbourhood = django_filters.ModelChoiceFilter(
        queryset=lambda request: neighbourhoods_visible_to(request.roles),
        # The schema reads the id type from field_name; the method filters school or venue.
        field_name="school__neighbourhood",
        method="filter_neighbourhood",
        label=_("Neighbourhood of the school or venue"),
    )
    grade = GradeFilter(method="filter_grade", min_value=1, max_value=8)
    places_left = StrictBooleanFilter(method="filter_places_left")

    class Meta:
        model = Activity
        fields = ["school", "neighbourhood", "weekday", "grade", "category", "level"]

    def filter_neighbourhood(self, queryset, name, value):
        # Where it happens: the venue's neighbourhood, or the school's when there is no venue.
        return queryset.filter(
            Q(venue__neighbourhood=value) | Q(venue__isnull=True, school__neighbourhood=value)
        )

    def filter_grade(self, queryset, name, value):
        return queryset.filter(grade_min__lte=value, grade_max__gte=value)

    def filter_places_left(self, queryset, name, value):
        has_places = Q(seats_taken__lt=F("capacity"))
        return queryset.filter(has_places if value else ~has_places)


class ClashSerializer(serializers.Serializer):
    activity = serializers.IntegerField(source="other.pk")
    title = serializers.CharField(source="other.title")
    school = SchoolRefSerializer(source="other.school")
    first_starts_at = serializers.DateTimeField(source="first.starts_at")
    first_ends_at = serializers.DateTimeField(source="first.ends_at")
    sessions = serializers.SerializerMethodField()

    def get_sessions(self, clash) -> int:
        return len(clash.sessions)


class PublishedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    past_dates = serializers.ListField(child=serializers.DateField())
    venue_clashes = ClashSerializer(many=True)
    warnings = serializers.ListField(child=serializers.CharField())


class RegisterRowSerializer(serializers.Serializer):
    enrolment_id = serializers.IntegerField(source="pk")
    child = serializers.CharField(source="child.first_name")
    grade = serializers.IntegerField(source="child.grade")
    mark = serializers.ChoiceField(choices=Attendance.Status.choices, allow_null=True)
    absence_reported = serializers.BooleanField(
        help_text=_("The family reported the child absent for this session.")
    )
    absence_reason = serializers.CharField(
        allow_null=True, help_text=_("What the family wrote; empty or null when nothing.")
    )


class RegisterSerializer(serializers.Serializer):
    occurrence = OccurrenceSerializer()
    register = RegisterRowSerializer(many=True)


class OccurrenceOfActivityField(serializers.PrimaryKeyRelatedField):
    """A session of the activity in the URL; any other id is 400, naming the field."""

    def get_queryset(self):
        return self.context["activity"].occurrences.all()


class RegisterQuerySerializer(serializers.Serializer):
    occurrence = OccurrenceOfActivityField(queryset=Occurrence.objects.none())


class MarksSerializer(RegisterQuerySerializer):
    marks = serializers.DictField(
        child=serializers.ChoiceField(choices=Attendance.Status.choices),
        required=False,
        default=dict,
        help_text=_("Enrolment id to present, absent or excused."),
    )
    everyone_present = serializers.BooleanField(
        default=False,
        help_text=_(
            "Also mark every child not in `marks` and not yet marked: present, or excused "
            "when the family reported the child absent."
        ),
    )

    def validate_marks(self, value: dict) -> dict[int, str]:
        if not all(as_id(key) for key in value):
            raise serializers.ValidationError(_("Use enrolment ids as keys."))
        return {int(key): mark for key, mark in value.items()}

    def validate(self, attrs):
        if not attrs["marks"] and not attrs["everyone_present"]:
            raise serializers.ValidationError(
                {"marks": [_("Give at least one mark, or send `everyone_present`.")]}
            )
        return attrs


def register_rows(roles, activity: Activity, occurrence: Occurrence):
    """Children with a place, each with the mark saved for this session (or none)."""
    mark = Attendance.objects.filter(occurrence=occurrence, enrolment=OuterRef("pk"))
    notice = AbsenceNotice.objects.filter(occurrence=occurrence, enrolment=OuterRef("pk"))
    return (
        selectors.enrolments_for_manager(roles, activity)
        .filter(status=Enrolment.Status.CONFIRMED)
        .annotate(
            mark=Subquery(mark.values("status")[:1]),
            absence_reported=Exists(notice),
            absence_reason=Subquery(notice.values("reason")[:1]),
        )
        .order_by("child__first_name", "pk")
    )


@extend_schema_view(
    list=extend_schema(
        summary="Activities you may see: published ones, and drafts of the schools you manage",
        description="`search` matches title and description; `grade` finds activities whose "
        "grade range includes it; `places_left=true` only those with a free place.",
    ),
    retrieve=extend_schema(summary="One activity, with its sessions"),
)
class ActivityViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Activity.objects.none()
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    filter_backends = [django_filters.DjangoFilterBackend, filters.SearchFilter]
    search_fields = ["title", "description"]

    def get_queryset(self):
        qs = activities_for(self.request.roles)
        if self.action == "retrieve":
            qs = qs.prefetch_related("occurrences")
        return qs

    def get_serializer_class(self):
        return ActivityDetailSerializer if self.action == "retrieve" else ActivitySerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(
        summary="Publish a draft (staff of the school, coordinators)",
        description="Refused with 409 `all_dates_past` when every date has passed, or "
        "`no_sessions` when every date falls in a closure. A published activity answers as "
        "it is. `past_dates` lists dates that have passed (families cannot book them), "
        "`venue_clashes` other activities at the same venue at the same time; `warnings` says "
        "both in words.",
        request=None,
        responses={200: PublishedSerializer, 409: refused("`all_dates_past` or `no_sessions`.")},
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def publish(self, request, pk=None):
        activity = selectors.get_activity_for_manager(request.roles, pk)
        now = timezone.now()
        activity = services.activity_publish(activity=activity, now=now)
        past = past_session_dates(activity, now)
        clashes = venues.clashes_for_activity(activity, now=now)
        warnings = [notices.past_dates_warning(activity, now)] if past else []
        warnings += [notices.clash_text(activity, clash) for clash in clashes]
        result = {
            "id": activity.pk,
            "status": activity.status,
            "past_dates": past,
            "venue_clashes": clashes,
            "warnings": warnings,
        }
        return Response(PublishedSerializer(result).data)

    @extend_schema(
        methods=["GET"],
        summary="The attendance register of one session (staff of the school, coordinators)",
        parameters=[
            OpenApiParameter("occurrence", int, required=True, description="The session id.")
        ],
        responses={200: RegisterSerializer, 400: bad_input("Bad session.")},
    )
    @extend_schema(
        methods=["POST"],
        summary="Save marks for one session: {enrolment id: present, absent or excused}",
        description="From the session's start on; before it the answer is 409 "
        "`session_not_started`.",
        request=MarksSerializer,
        responses={
            200: RegisterSerializer,
            400: bad_input("Bad session or marks."),
            409: refused("The session has not started yet (`session_not_started`)."),
        },
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def register(self, request, pk=None):
        activity = selectors.get_activity_for_manager(request.roles, pk)
        context = {"activity": activity}
        if request.method == "GET":
            form = RegisterQuerySerializer(data=request.query_params, context=context)
        else:
            form = MarksSerializer(data=request.data, context=context)
        form.is_valid(raise_exception=True)
        occurrence = form.validated_data["occurrence"]
        if request.method == "POST":
            services.attendance_record(
                occurrence=occurrence,
                marks=form.validated_data["marks"],
                recorded_by=request.user,
                now=timezone.now(),
                everyone_present=form.validated_data["everyone_present"],
            )
        rows = list(register_rows(request.roles, activity, occurrence))
        record_view(request, occurrence, what="attendance", child_ids=[r.child_id for r in rows])
        return Response(RegisterSerializer({"occurrence": occurrence, "register": rows}).data)


# --- children ------------------------------------------------------------------------------


class ClassOfChosenSchoolField(serializers.PrimaryKeyRelatedField):
    """A class of the school the request names (or the child's school), this school year: the
    classes the child form offers. Any other id, of another school or of nothing, gets the
    same 400, so a class one may not see cannot be told from one that does not exist."""

    default_error_messages = {"does_not_exist": _("This group is not at the school you chose.")}

    def get_queryset(self):
        form = self.parent
        data = getattr(form, "initial_data", {})
        school = (
            data.get("school") if "school" in data else getattr(form.instance, "school_id", None)
        )
        return groups_for_school(school, timezone.localdate())


class ChildSerializer(ModelSerializer):
    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.all())
    group = ClassOfChosenSchoolField(queryset=Group.objects.none(), allow_null=True, required=False)
    neighbourhood = serializers.PrimaryKeyRelatedField(
        queryset=Neighbourhood.objects.all(), allow_null=True, required=False
    )
    consent = serializers.BooleanField(
        write_only=True,
        required=False,
        help_text=_(
            "Needed to register a child: you agree that we keep these details. Send it again "
            "when `consent_current` is false (the text changed) before enrolling the child."
        ),
    )
    consent_version = serializers.CharField(read_only=True)
    consent_text = serializers.SerializerMethodField(
        help_text=_("The text you agreed to, in your language.")
    )
    consent_current = serializers.SerializerMethodField(
        help_text=_("False when the text changed since you agreed: agree again to enrol.")
    )

    class Meta:
        model = Child
        fields = [
            "id",
            "first_name",
            "school",
            "grade",
            "group",
            "neighbourhood",
            "consent",
            "consent_at",
            "consent_version",
            "consent_text",
            "consent_current",
        ]
        read_only_fields = ["consent_at"]

    def get_consent_text(self, child: Child) -> str:
        return consent_text(child.consent_version)

    def get_consent_current(self, child: Child) -> bool:
        return is_current(child.consent_version)

    def validate(self, attrs):
        # On a partial update, a field not sent keeps the child's current value.
        school = attrs.get("school", getattr(self.instance, "school", None))
        grade = attrs.get("grade", getattr(self.instance, "grade", None))
        if grade not in school.grades:
            raise serializers.ValidationError(
                {
                    "grade": _("At this school the grades go from 1 to %(last)d.")
                    % {"last": school.grades[-1]}
                }
            )
        # A group sent is of the school (ClassOfChosenSchoolField); a new school without a new
        # group: the old one is gone.
        group = getattr(self.instance, "group", None)
        if "group" not in attrs and group is not None and group.school_id != school.pk:
            attrs["group"] = None
        return attrs


@extend_schema_view(
    list=extend_schema(summary="Your children"),
    retrieve=extend_schema(summary="One of your children"),
    create=extend_schema(
        summary="Register a child (needs `consent: true`)",
        description="Send an `Idempotency-Key` to retry safely: the child is registered once.",
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: ChildSerializer,
            200: OpenApiResponse(
                ChildSerializer, description="Sent again with the same Idempotency-Key: the first."
            ),
            422: refused(
                "The Idempotency-Key was used with other data (`idempotency_key_reused`)."
            ),
        },
    ),
    update=extend_schema(summary="Change a child's details"),
    partial_update=extend_schema(summary="Change some of a child's details"),
    destroy=extend_schema(summary="Forget a child: its enrolments end and its details are erased"),
)
class ChildViewSet(viewsets.ModelViewSet):
    queryset = Child.objects.none()
    serializer_class = ChildSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.children_of(self.request.user).order_by("first_name", "pk")

    def create(self, request, *args, **kwargs):
        key = idempotency_key(request)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        consent = data.pop("consent", False)
        first = earlier_create(self.get_queryset(), key, lambda child: same_fields(child, data))
        if first is not None:
            return Response(self.get_serializer(first).data)
        child = services.child_register(
            guardian=request.user,
            data=data,
            consent=consent,
            now=timezone.now(),
            submission_key=key,
        )
        return Response(self.get_serializer(child).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if data.pop("consent", False):
            services.child_consent_renew(child=serializer.instance, agreed=True, now=timezone.now())
        serializer.instance = services.child_update(child=serializer.instance, data=data)

    def perform_destroy(self, instance):
        services.child_delete(child=instance, now=timezone.now())


# --- enrolments ----------------------------------------------------------------------------


class ChildRefSerializer(ModelSerializer):
    class Meta:
        model = Child
        fields = ["id", "first_name"]


class ActivityRefSerializer(ModelSerializer):
    class Meta:
        model = Activity
        fields = ["id", "title"]


class EnrolmentSerializer(ModelSerializer):
    child = ChildRefSerializer(read_only=True)
    activity = ActivityRefSerializer(read_only=True)
    waitlist_position = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("1 is next in line; empty when not waiting.")
    )
    siblings_together = serializers.SerializerMethodField()

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "child",
            "activity",
            "status",
            "waitlist_position",
            "offer_expires_at",
            "choice_rank",
            "siblings_together",
            "applied_at",
        ]

    def get_siblings_together(self, enrolment: Enrolment) -> bool:
        return enrolment.sibling_group is not None


SESSION_PK = OpenApiParameter(
    "session_pk", int, OpenApiParameter.PATH, description="The session id."
)


class SessionAttendanceSerializer(ModelSerializer):
    """One session of the child's activity, as the family sees it."""

    cancelled = serializers.BooleanField(source="is_cancelled", read_only=True)
    mark = serializers.ChoiceField(
        choices=Attendance.Status.choices,
        allow_null=True,
        read_only=True,
        help_text=_("What the leaders recorded; null until they do."),
    )
    absence_reported = serializers.BooleanField(
        read_only=True, help_text=_("You reported the child absent for this session.")
    )
    absence_reason = serializers.CharField(allow_null=True, read_only=True)

    class Meta:
        model = Occurrence
        fields = [
            "id",
            "date",
            "starts_at",
            "ends_at",
            "cancelled",
            "mark",
            "absence_reported",
            "absence_reason",
        ]


class AbsenceSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=services.ABSENCE_REASON_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Optional, short: the leaders read it. No medical details needed."),
    )


class VisibleActivityField(serializers.PrimaryKeyRelatedField):
    """An activity the person may see. For someone with no school or municipality of their own
    (a parent, in the enrolment rush) that is a published one, read by the enrol page's
    prepared statement, with the same answers as the queryset's."""

    def get_queryset(self):
        return Activity.objects.filter(_visible(self.context["request"].roles))

    def to_internal_value(self, data):
        roles = self.context["request"].roles
        if roles.staff_of or roles.coordinator_of:
            return super().to_internal_value(data)
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, str) and not data.strip().lstrip("-").isdigit():
            self.fail("incorrect_type", data_type="str")
        if (activity := selectors.published_activity_to_enrol(data)) is None:
            self.fail("does_not_exist", pk_value=data)
        return activity


class EnrolmentCreateSerializer(serializers.Serializer):
    child = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("One child.")
    )
    children = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        min_length=1,
        max_length=10,
        help_text=_("Brothers and sisters who get a place together or not at all."),
    )
    activity = VisibleActivityField(queryset=Activity.objects.none())
    choice_rank = serializers.IntegerField(
        required=False,
        default=1,
        min_value=1,
        max_value=10,
        help_text=_("For a lottery: 1 for your first choice, 2 for your second, and so on."),
    )

    def validate(self, attrs):
        if ("child" in attrs) == ("children" in attrs):
            raise serializers.ValidationError(
                {"child": _("Choose one child, or several children in `children`.")}
            )
        attrs["siblings"] = "children" in attrs
        ids = attrs.pop("children", None) or [attrs.pop("child")]
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError({"children": _("A child is in the list twice.")})
        attrs["child_ids"] = ids
        return attrs


class EnrolmentFilter(django_filters.FilterSet):
    child = django_filters.ModelChoiceFilter(
        queryset=lambda request: selectors.children_of(request.user)
    )
    activity = django_filters.NumberFilter(field_name="activity_id", min_value=1, max_value=MAX_ID)

    class Meta:
        model = Enrolment
        fields = ["child", "activity", "status"]


ENROLMENT_CREATED = PolymorphicProxySerializer(
    component_name="EnrolmentCreated",
    serializers=[EnrolmentSerializer, EnrolmentSerializer(many=True)],
    resource_type_field_name=None,
    many=False,
)
ANSWER_REFUSED = {404: refused("Not yours."), 409: refused("Not possible now; see `code`.")}


@extend_schema_view(
    list=extend_schema(summary="Your children's enrolments, newest first"),
    retrieve=extend_schema(summary="One enrolment"),
    create=extend_schema(
        summary="Enrol a child, or brothers and sisters together",
        description="Send `child` for one child or `children` for siblings. The answer says "
        "what happened: `confirmed`, `waitlisted` (with `waitlist_position`) or `applied` "
        "(lottery). One child gives an enrolment, `children` a list.",
        request=EnrolmentCreateSerializer,
        responses={
            201: ENROLMENT_CREATED,
            400: bad_input("Bad input, or the wrong grade or school type (`wrong_grade`)."),
            404: refused("Not your child (`not_your_child`)."),
            409: refused("Closed, duplicate, overlap or not published; see `code`."),
            503: refused("Too busy; try again (`busy`)."),
        },
    ),
)
class EnrolmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Enrolment.objects.none()
    serializer_class = EnrolmentSerializer
    filterset_class = EnrolmentFilter

    def get_queryset(self):
        return enrolments_for(self.request.user)

    def create(self, request, *args, **kwargs):
        form = EnrolmentCreateSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        data = form.validated_data
        created = services.enrolments_create(
            guardian=request.user,
            child_ids=data["child_ids"],
            activity=data["activity"],
            now=timezone.now(),
            choice_rank=data["choice_rank"],
        )
        # The service gives back the rows it wrote, with their waiting-list position.
        body = EnrolmentSerializer(created, many=True).data
        return Response(body if data["siblings"] else body[0], status.HTTP_201_CREATED)

    def _answer(self, use_case):
        enrolment = self.get_object()
        use_case(enrolment=enrolment, now=timezone.now())
        return Response(EnrolmentSerializer(self.get_queryset().get(pk=enrolment.pk)).data)

    @extend_schema(
        summary="Cancel an enrolment; a place it held goes to the waiting list",
        request=None,
        responses={200: EnrolmentSerializer, **ANSWER_REFUSED},
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def cancel(self, request, pk=None):
        return self._answer(services.enrolment_cancel)

    @extend_schema(
        summary="Accept an offered place before it expires",
        request=None,
        responses={200: EnrolmentSerializer, **ANSWER_REFUSED},
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def accept(self, request, pk=None):
        return self._answer(waitlist.place_offer_accept)

    def _session(self, enrolment: Enrolment, session_pk) -> Occurrence:
        return selectors.get_session_of_enrolment(enrolment, as_id(session_pk) or 0)

    @extend_schema(
        summary="The sessions of the child's activity: attendance and absences reported",
        responses={200: SessionAttendanceSerializer(many=True), 404: refused("Not yours.")},
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def sessions(self, request, pk=None):
        enrolment = self.get_object()
        page = self.paginate_queryset(selectors.sessions_of_enrolment(enrolment))
        return self.get_paginated_response(SessionAttendanceSerializer(page, many=True).data)

    @extend_schema(
        methods=["PUT"],
        parameters=[SESSION_PK],
        summary="Report the child absent for a coming session (again: a new reason)",
        request=AbsenceSerializer,
        responses={
            200: SessionAttendanceSerializer,
            400: bad_input(),
            404: refused("Not yours, or not a session of this activity."),
            409: refused("Started, cancelled, or no place (`session_started`, ...)."),
        },
    )
    @extend_schema(
        methods=["DELETE"],
        parameters=[SESSION_PK],
        summary="Take the absence back: the child comes after all (until the session starts)",
        request=None,
        responses={
            200: SessionAttendanceSerializer,
            404: refused("Not yours, or not a session of this activity."),
            409: refused("The session has started or is cancelled."),
        },
    )
    @action(
        detail=True,
        methods=["put", "delete"],
        url_path=r"sessions/(?P<session_pk>[^/.]+)/absence",
        url_name="absence",
        filterset_class=None,
        pagination_class=None,
    )
    def absence(self, request, pk=None, session_pk=None):
        enrolment = self.get_object()
        session = self._session(enrolment, session_pk)
        now = timezone.now()
        if request.method == "PUT":
            form = AbsenceSerializer(data=request.data)
            form.is_valid(raise_exception=True)
            services.absence_report(
                enrolment=enrolment,
                occurrence=session,
                reason=form.validated_data["reason"],
                reported_by=request.user,
                now=now,
            )
        else:
            services.absence_withdraw(enrolment=enrolment, occurrence=session, now=now)
        return Response(SessionAttendanceSerializer(self._session(enrolment, session.pk)).data)

    @extend_schema(
        summary="Decline an offered place; it goes to the next child",
        request=None,
        responses={200: EnrolmentSerializer, **ANSWER_REFUSED},
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def decline(self, request, pk=None):
        return self._answer(waitlist.place_offer_decline)


def register(router) -> None:
    """Register the activities endpoints on the project's API router."""
    router.register("activities", ActivityViewSet, basename="activity")
    router.register("children", ChildViewSet, basename="child")
    router.register("enrolments", EnrolmentViewSet, basename="enrolment")
    api_venues.register(router)
