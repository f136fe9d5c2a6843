"""The outbox in the browser: a development aid for coordinators while DEBUG is on."""

from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.pagination import paginate

from .. import services
from ..models import Notification


def outbox_access(view):
    """Only while DEBUG (production mail is not for browsing) and only for coordinators."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not settings.DEBUG:
            raise Http404
        if not request.roles.is_coordinator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def get_notification_for_coordinator(request, pk: int) -> Notification:
    return get_object_or_404(Notification, pk=pk)


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All statuses")), *Notification.Status.choices],
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *((k, k) for k in kinds)]

    def filter(self, queryset):
        if not self.is_valid():
            return queryset.none()
        for name in ("status", "kind"):
            if self.cleaned_data[name]:
                queryset = queryset.filter(**{name: self.cleaned_data[name]})
        return queryset


@outbox_access
def outbox(request):
    kinds = list(Notification.objects.order_by("kind").values_list("kind", flat=True).distinct())
    form = OutboxFilterForm(request.GET or None, kinds=kinds)
    notifications = Notification.objects.defer("body_text", "body_html", "ics")
    if form.is_bound:
        notifications = form.filter(notifications)
    page = paginate(request, notifications.order_by("-created_at", "-id"))
    return render(
        request,
        "notifications/outbox.html",
        {"form": form, "page": page},
    )


@outbox_access
def outbox_detail(request, pk: int):
    notification = get_notification_for_coordinator(request, pk)
    return render(request, "notifications/detail.html", {"notification": notification})


@outbox_access
@require_POST
def outbox_resend(request, pk: int):
    notification = get_notification_for_coordinator(request, pk)
    with transaction.atomic():
        resent = services.notification_resend(notification_id=notification.pk)
    if resent:
        messages.success(request, _("The message is queued to be sent again."))
    else:
        messages.error(request, _("Only a message that failed can be sent again."))
    return redirect("notifications:outbox_detail", pk=notification.pk)
