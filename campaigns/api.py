"""API of Be on Track messages: the sender's own (and, for coordinators, those of their
municipality) to read; write one to families of one's own school or municipality. Sending
goes as on the page: at `send_at`, or at once without it."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response

from activities.models import Activity
from core.api import ModelSerializer, bad_input
from schools.models import Municipality, Neighbourhood, School

from . import selectors, services
from .audience import SMALL_COUNT
from .models import ParentMessage

TEXTS = [f"{part}_{code}" for code in ("nl", "tr", "ar", "en") for part in ("subject", "text")]


class ParentMessageSerializer(ModelSerializer):
    sender = serializers.CharField(source="created_by", read_only=True, default="")
    audience = serializers.CharField(source="audience_label", read_only=True)
    recipients = serializers.SerializerMethodField(
        help_text=_("Families written to; empty for 1 to 4 when you are not staff of its school.")
    )
    delivered = serializers.SerializerMethodField()
    failed = serializers.SerializerMethodField()
    municipality = serializers.PrimaryKeyRelatedField(
        queryset=Municipality.objects.none(), required=False
    )
    neighbourhood = serializers.PrimaryKeyRelatedField(
        queryset=Neighbourhood.objects.none(), required=False, allow_null=True
    )
    school = serializers.PrimaryKeyRelatedField(
        queryset=School.objects.none(), required=False, allow_null=True
    )
    activity = serializers.PrimaryKeyRelatedField(
        queryset=Activity.objects.none(), required=False, allow_null=True
    )
    send_at = serializers.DateTimeField(
        required=False, help_text=_("When to send it; at once when left out.")
    )

    class Meta:
        model = ParentMessage
        fields = [
            "id",
            "sender",
            "sender_role",
            "municipality",
            "neighbourhood",
            "school",
            "grade_min",
            "grade_max",
            "activity",
            "audience",
            *TEXTS,
            "link",
            "send_at",
            "status",
            "created_at",
            "finished_at",
            "recipients",
            "delivered",
            "failed",
        ]
        read_only_fields = ["sender_role", "status", "created_at", "finished_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        roles = getattr(self.context.get("request"), "roles", None)
        if roles is None:  # the schema generator: no person, no choices
            return
        # Only one's own places are choices: another municipality's id is "not found".
        mine = roles.coordinator_of
        self.fields["municipality"].queryset = Municipality.objects.filter(pk__in=mine)
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(
            municipality_id__in=mine
        )
        schools = School.objects.filter(neighbourhood__municipality_id__in=mine)
        self.fields["school"].queryset = schools | School.objects.filter(pk__in=roles.staff_of)
        self.fields["activity"].queryset = Activity.objects.filter(
            school__in=self.fields["school"].queryset
        )

    def _count(self, message: ParentMessage, name: str) -> int | None:
        """Exact for staff of the message's school; 1 to 4 is empty for others (a coordinator
        may not single out a family), as the pages show "< 5"."""
        count = getattr(message, name, 0)
        roles = getattr(self.context.get("request"), "roles", None)
        if roles is None or selectors.counts_exact_for(message, roles) or count == 0:
            return count
        return count if count >= SMALL_COUNT else None

    def get_recipients(self, message: ParentMessage) -> int | None:
        return self._count(message, "recipients")

    def get_delivered(self, message: ParentMessage) -> int | None:
        return self._count(message, "delivered")

    def get_failed(self, message: ParentMessage) -> int | None:
        return self._count(message, "failed")

    def validate(self, data):
        low, high = data.get("grade_min"), data.get("grade_max")
        if low and high and low > high:
            raise serializers.ValidationError(
                {"grade_max": _("Choose a grade from the first one up.")}
            )
        for code in ("tr", "ar", "en"):
            if bool(data.get(f"subject_{code}")) != bool(data.get(f"text_{code}")):
                raise serializers.ValidationError(
                    {f"text_{code}": _("Write both the subject and the text, or neither.")}
                )
        return data


@extend_schema_view(
    list=extend_schema(summary="Messages to families: one's own, and the municipality's"),
    retrieve=extend_schema(summary="One message to families, with its delivery counts"),
    create=extend_schema(
        summary="Write a message to families of one's own school or municipality",
        responses={201: ParentMessageSerializer, 400: bad_input()},
    ),
)
class ParentMessageViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = ParentMessage.objects.none()
    serializer_class = ParentMessageSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return ParentMessage.objects.none()
        return selectors.messages_visible_to(self.request.user, self.request.roles)

    def create(self, request, *args, **kwargs):
        roles = request.roles
        if not (roles.is_coordinator or roles.is_staff):
            raise exceptions.PermissionDenied
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if roles.is_coordinator:
            data["sender_role"] = ParentMessage.SenderRole.COORDINATOR
            if "municipality" not in data:
                if len(roles.coordinator_of) != 1:
                    raise exceptions.ValidationError(
                        {"municipality": [_("Choose a municipality.")]}
                    )
                data["municipality"] = Municipality.objects.get(pk=next(iter(roles.coordinator_of)))
        else:
            data["sender_role"] = ParentMessage.SenderRole.STAFF
            if not data.get("school"):
                raise exceptions.ValidationError({"school": [_("Choose your school.")]})
            data["municipality"] = data["school"].neighbourhood.municipality
        message = services.parent_message_create(
            sender=request.user, roles=roles, now=timezone.now(), **data
        )
        message = self.get_queryset().get(pk=message.pk)
        return Response(self.get_serializer(message).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("parent-messages", ParentMessageViewSet, basename="parent-message")
