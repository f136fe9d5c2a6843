"""Why a change was refused, in words the user understands.

Every domain error extends `Refusal`: a code for programs, an HTTP status, a plain-language
message, and optional headers (`Retry-After`). Services raise them; nothing has changed when one
is raised. They are translated into an answer in one place each: the API exception handler
(config.exceptions) and, for pages, `core.views.act` / `core.views.submit` with
`core.middleware.RefusalMiddleware` behind them, so no call site wraps a service.
"""

from __future__ import annotations

from typing import ClassVar

from django.utils.translation import gettext_lazy as _


class Refusal(Exception):
    code = "invalid"
    status = 400
    message = _("This is not possible.")
    headers: ClassVar[dict[str, str]] = {}

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))

    def body(self) -> dict:
        """The JSON body the API answers with."""
        return {"detail": str(self.message), "code": self.code}


class Busy(Refusal):
    """A lock was not free in time (core.locking): many people are changing the same thing."""

    code = "busy"
    status = 503
    message = _("Many people are doing this right now. Please try again in a moment.")
    headers: ClassVar[dict[str, str]] = {"Retry-After": "1"}


class IdempotencyKeyReused(Refusal):
    """An API create sent again with its Idempotency-Key (core.once) but another body: the key
    belongs to the first body, so this one is neither made nor answered with the first."""

    code = "idempotency_key_reused"
    status = 422
    message = _(
        "This Idempotency-Key was already used for a request with other data. Use a new key "
        "for new data."
    )
