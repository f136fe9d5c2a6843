"""Messages written when they are sent, not when they are queued.

A busy request (a parent enrolling while hundreds of others do) adds an outbox row that names a
composer and its arguments (`Notification.compose`, `compose_args`) instead of rendering
templates inside its transaction. Delivery writes the text just before sending and keeps it on
the row, so the outbox shows what went out. Apps register their composers at start-up
(`register`); a composer whose subject is gone (the child was erased meanwhile) returns None and
the message is not sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction


@dataclass(frozen=True)
class Written:
    subject: str
    body_text: str
    body_html: str = ""
    ics: str = ""
    ics_method: str = ""


Composer = Callable[[dict, str], Written | None]

_composers: dict[str, Composer] = {}


def register(name: str) -> Callable[[Composer], Composer]:
    """Register `function(args, language) -> Written | None` under `name`."""

    def decorate(function: Composer) -> Composer:
        _composers[name] = function
        return function

    return decorate


def write(notification) -> Written | None:
    """The text of a row whose composer has not run yet; None when it no longer applies.
    Reads in a transaction of its own, so a composer sees one consistent state."""
    with transaction.atomic():
        return _composers[notification.compose](notification.compose_args, notification.language)
