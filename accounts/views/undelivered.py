"""Undelivered messages: the outbox's dead letters, for the coordinators of the people they
were meant for, with a way to send them again."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.pagination import paginate
from core.views import coordinator_required
from notifications.services import notification_resend

from .. import selectors


@coordinator_required
def undelivered_list(request):
    page = paginate(request, selectors.failed_notifications_for(request.roles))
    return render(request, "accounts/undelivered.html", {"page": page})


@require_POST
@coordinator_required
def undelivered_resend(request, pk: int):
    notification = selectors.get_notification_for_coordinator(request.roles, pk)
    with transaction.atomic():
        resent = notification_resend(notification_id=notification.pk)
    if resent:
        messages.success(
            request, _("The message to %s is queued to be sent again.") % notification.to_email
        )
    else:
        messages.error(request, _("This message is no longer undelivered; nothing was sent."))
    url = reverse("undelivered_list")
    page = request.POST.get("page", "")
    return redirect(f"{url}?{urlencode({'page': page})}" if page.isdigit() else url)
