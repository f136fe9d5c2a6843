"""Pages for Be on Track messages: compose with preview, the log, one message's progress,
and the one-click stop link in every message (RFC 8058: it works without logging in)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from core.pagination import paginate
from core.refusals import Refusal
from core.views import manager_required, posted, submit

from . import selectors, services
from .forms import ComposeForm
from .models import ParentMessage


@manager_required
@require_safe
def message_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.messages_visible_to(request.user, request.roles))
    for row in page.object_list:
        row.shown = selectors.shown_counts(row, request.roles)
    return render(request, "campaigns/list.html", {"page": page, "rows": page.object_list})


@manager_required
@require_http_methods(["GET", "POST"])
def message_compose(request: HttpRequest) -> HttpResponse:
    form = ComposeForm(posted(request), roles=request.roles)
    preview = None
    if request.POST.get("action") == "preview":
        preview = _preview(request, form)
    else:
        message = submit(
            request,
            form,
            lambda _data: services.parent_message_create(
                sender=request.user,
                roles=request.roles,
                now=timezone.now(),
                **form.message_fields(request.roles),
            ),
            _("The message is saved. It goes out at its time."),
        )
        if message is not None:
            return redirect("campaigns:detail", pk=message.pk)
    return render(request, "campaigns/compose.html", {"form": form, "preview": preview})


def _preview(request: HttpRequest, form: ComposeForm) -> dict | None:
    if not form.is_valid():
        return None
    fields = form.message_fields(request.roles)
    fields.pop("send_at")
    try:
        count, mails = services.parent_message_preview(roles=request.roles, **fields)
    except Refusal as refusal:
        form.add_error(None, str(refusal.message))
        return None
    names = dict(settings.LANGUAGES)  # each language named in itself
    for mail in mails:
        mail["name"] = names.get(mail["language"], mail["language"])
        mail["direction"] = (
            "rtl" if translation.get_language_info(mail["language"])["bidi"] else "ltr"
        )
    return {"count": count, "mails": mails}


@manager_required
@require_http_methods(["GET", "POST"])
def message_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a message before its time: only its sender (others: 404)."""
    message = selectors.get_message_for(request.user, request.roles, pk)
    if message.created_by_id != request.user.pk:
        raise Http404
    form = ComposeForm(
        posted(request), roles=request.roles, initial=ComposeForm.initial_from(message)
    )
    preview = None
    if request.POST.get("action") == "preview":
        preview = _preview(request, form)
    else:
        changed = submit(
            request,
            form,
            lambda _data: services.parent_message_update(
                message_id=message.pk,
                roles=request.roles,
                now=timezone.now(),
                **form.message_fields(request.roles),
            ),
            _("The message is changed. It goes out at its time."),
        )
        if changed is not None:
            return redirect("campaigns:detail", pk=changed.pk)
    context = {"form": form, "preview": preview, "message": message}
    return render(request, "campaigns/compose.html", context)


@manager_required
@require_safe
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.get_message_for(request.user, request.roles, pk)
    message.shown = selectors.shown_counts(message, request.roles)
    # Polled while it goes out (its time has come) and until the outbox has delivered it all.
    due = message.send_at <= timezone.now() and message.status != ParentMessage.Status.SENT
    busy = due or message.waiting > 0
    editable = (
        message.created_by_id == request.user.pk
        and message.status == ParentMessage.Status.SCHEDULED
        and message.send_at > timezone.now()
    )
    context = {"message": message, "busy": busy, "editable": editable}
    if request.htmx:
        return render(request, "campaigns/_progress.html", context)
    return render(request, "campaigns/detail.html", context)


@csrf_exempt  # RFC 8058: the mail program POSTs without a form of ours; the token is the key.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (a link scanner must not stop anything); POST stops the messages."""
    user_pk = services.unsubscribe_user_pk(token)
    if user_pk is None:
        raise Http404
    done = request.method == "POST"
    if done:
        services.message_preference_set(user_pk=user_pk, messages_off=True)
    return render(request, "campaigns/unsubscribe.html", {"done": done})
