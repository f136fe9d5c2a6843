"""A create that happens once, however often it is sent.

The Back button, a double click, a second tap while the page loads and a client that retries
after a time-out all send the same create again. Each create form carries a random key
(`core.forms.OnceForm`, a field never shown, which the browser puts back after Back); the
key with a digest of the data sent is the form's *sending* (`sending`): sent again unchanged
it is the same sending, changed after Back it is a new one. An API client sends its own key
in the `Idempotency-Key` header (a different body with the same key is refused there). The
sending or API key is turned into the person's *submission key* (`submission_key`): a UUID
that is the same for the same person and key and differs between people, so one person's
key can never find another person's row. Two things then hold:

- in the session, each recent create is remembered with what it made (`remember` /
  `earlier`), so any create form sent again shows the first result with a calm word;
- a model whose duplicates matter (a session request, an activity, an invitation) stores the
  submission key in a unique column, so even two sends at the same moment, in two processes,
  make one row: the second insert fails and its service returns the first row
  (`create_once`).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest

T = TypeVar("T", bound=models.Model)

# The namespace of submission keys (a fixed random UUID: changing it forgets every key).
_NAMESPACE = uuid.UUID("5b0c2c3e-7f6a-4d59-9a57-2f1e8c1d6b40")
# How many recent creates a session remembers; older keys are forgotten first.
_REMEMBERED = 30
_SESSION_KEY = "once"
# The longest Idempotency-Key taken (as Stripe's): a UUID or any short printable token.
MAX_KEY_LENGTH = 255


def submission_key(user, key: str | uuid.UUID | None) -> uuid.UUID | None:
    """The person's submission key for `key` (None without a key)."""
    if key is None or str(key) == "" or user is None or not user.is_authenticated:
        return None
    return uuid.uuid5(_NAMESPACE, f"{user.pk}:{key}")


def sending(key: uuid.UUID, data, *, leave_out: tuple[str, ...]) -> str:
    """A form's key with a digest of the data sent with it (a QueryDict, without `leave_out`):
    the same form sent again with the same data is the same sending; changed after the Back
    button, it is a new one (and makes a new row)."""

    def values(name: str) -> list[str]:
        found = data.getlist(name) if hasattr(data, "getlist") else [data[name]]
        return [str(value) for value in found]

    fields = sorted((name, values(name)) for name in data if name not in leave_out)
    digest = hashlib.sha256(json.dumps(fields).encode()).hexdigest()[:32]
    return f"{key}:{digest}"


def valid_key(key: str) -> bool:
    """Whether `key` can be an Idempotency-Key: 1 to 255 printable ASCII characters."""
    return 0 < len(key) <= MAX_KEY_LENGTH and key.isascii() and key.isprintable()


def create_once(model: type[T], key: uuid.UUID | None, create: Callable[[], T]) -> T:
    """The row made with submission key `key`, made by `create` (which must store the key)
    unless it exists. When another transaction makes it at the same moment, the unique
    column refuses this insert and the other's row is returned."""
    if key is None:
        return create()
    earlier = model.objects.filter(submission_key=key).first()
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction survives a refusal
            return create()
    except IntegrityError:
        earlier = model.objects.filter(submission_key=key).first()
        if earlier is None:
            raise
        return earlier


def posted_key(request: HttpRequest, form) -> str:
    """What identifies the sending of a create form (core.forms.OnceForm.sent_as); "" when it
    was not sent or is no create form."""
    if request.method != "POST" or not hasattr(form, "sent_as"):
        return ""
    return form.sent_as()


def earlier(request: HttpRequest, key: str) -> models.Model | None:
    """What an earlier submit of this form (the same key) in this session made, if it still
    exists."""
    if not key or not hasattr(request, "session"):
        return None
    made = request.session.get(_SESSION_KEY, {}).get(key)
    if not made:
        return None
    label, pk = made
    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    return model._default_manager.filter(pk=pk).first()


def remember(request: HttpRequest, key: str, result) -> None:
    """Remember that the form with `key` made `result` (a model row), for a resubmit."""
    if not key or not isinstance(result, models.Model) or not hasattr(request, "session"):
        return
    made = dict(request.session.get(_SESSION_KEY, {}))
    made.pop(key, None)
    made[key] = (result._meta.label_lower, result.pk)
    # dicts keep their order, also through the session's JSON: the oldest come first.
    request.session[_SESSION_KEY] = dict(list(made.items())[-_REMEMBERED:])
