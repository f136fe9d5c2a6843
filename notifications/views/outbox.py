"""The outbox in the browser: a development aid while DEBUG is on. Coordinators see the mail about
their municipalities, superusers all of it; nobody but its recipient reads a login code or a
link with a token (in development those are also printed on the console)."""

from functools import wraps

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from core.pagination import paginate

from .. import selectors, services
from ..models import Notification


def outbox_access(view):
    """Only while DEBUG (production mail is not for browsing), for coordinators and
    superusers."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not settings.DEBUG:
            raise Http404
        if not (request.roles.is_coordinator or request.user.is_superuser):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


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
    visible = selectors.outbox_for(request.user, request.roles)
    kinds = list(visible.order_by("kind").values_list("kind", flat=True).distinct())
    form = OutboxFilterForm(request.GET or None, kinds=kinds)
    notifications = visible.defer("body_text", "body_html", "ics")
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
    notification = _written(selectors.get_outbox_notification(request.user, request.roles, pk))
    context = {
        "notification": notification,
        "readable": selectors.readable_by(notification, request.user),
    }
    return render(request, "notifications/detail.html", context)


def _written(notification):
    """The row with its text, also when its composer writes it only at delivery (shown, not
    saved: delivery keeps what it sends)."""
    written = services.notification_written(notification)
    if written is not None and not notification.subject:
        for name in ("subject", "body_text", "body_html", "ics", "ics_method"):
            setattr(notification, name, getattr(written, name))
    return notification


# The mail's own HTML, for the frame on the detail page. Mail is styled inline (mail programs
# need it), so this answer alone allows inline styles, and nothing else: no script, no
# loading, only framed by this site.
MAIL_PREVIEW_POLICY = {
    "default-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "img-src": ["data:"],
    "frame-ancestors": [SELF],
    "sandbox": True,
}


@outbox_access
@xframe_options_sameorigin
@csp(MAIL_PREVIEW_POLICY)
def outbox_html(request, pk: int):
    notification = _written(selectors.get_outbox_notification(request.user, request.roles, pk))
    if not selectors.readable_by(notification, request.user) or not notification.body_html:
        raise Http404
    return HttpResponse(notification.body_html)


@outbox_access
@require_POST
def outbox_resend(request, pk: int):
    notification = selectors.get_outbox_notification(request.user, request.roles, pk)
    with transaction.atomic():
        resent = services.notification_resend(notification_id=notification.pk)
    if resent:
        messages.success(request, _("The message is queued to be sent again."))
    else:
        messages.error(request, _("Only a message that failed can be sent again."))
    return redirect("notifications:outbox_detail", pk=notification.pk)
