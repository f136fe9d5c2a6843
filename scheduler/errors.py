"""Why a change to a request, offer or visit was refused, in words the user understands.

Services raise these; views show `message`, the API answers with `status` and
`{"detail": message, "code": code}`. Nothing has changed when one is raised.
"""

from django.utils.translation import gettext_lazy as _


class SchedulingError(Exception):
    code = "invalid"
    status = 400
    message = _("This is not possible.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class OfferNotPending(SchedulingError):
    code = "offer_closed"
    status = 409
    message = _("This offer has already been answered or withdrawn.")


class OfferExpired(SchedulingError):
    code = "offer_expired"
    status = 409
    message = _(
        "The time to answer this offer has passed. The school's request goes to another hero."
    )


class NoLongerFits(SchedulingError):
    code = "no_longer_fits"
    status = 409
    message = _(
        "This visit no longer fits: you (or the VR kit) are booked at that time, or your VOG is "
        "not valid on that day. The offer is withdrawn and the request goes to another hero."
    )


class RequestClosed(SchedulingError):
    code = "request_closed"
    status = 409
    message = _("This request has been cancelled or has already taken place.")


class RuleWarnings(SchedulingError):
    """A manual assignment breaks rules; repeat it with `force` to assign anyway."""

    code = "breaks_rules"
    status = 409
    message = _("This assignment breaks the matching rules. Confirm to assign it anyway.")

    def __init__(self, warnings: list[str]):
        self.warnings = warnings
        super().__init__()
