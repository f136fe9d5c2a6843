"""Why a change to a request, offer or visit was refused, in words the user understands.

Each is a `core.refusals.Refusal`: pages show the message, the API answers its status with
`{"detail": message, "code": code}`. Nothing has changed when one is raised.
"""

from django.utils.translation import gettext_lazy as _

from core.refusals import Refusal
from core.time import LOCAL_TZ


class OfferNotPending(Refusal):
    code = "offer_closed"
    status = 409
    message = _("This offer has already been answered or withdrawn.")


class OfferExpired(Refusal):
    code = "offer_expired"
    status = 409
    message = _(
        "The time to answer this offer has passed. The school's request goes to another hero."
    )


class NoLongerFits(Refusal):
    code = "no_longer_fits"
    status = 409
    message = _(
        "This visit no longer fits: you (or the VR kit) are booked at that time, or your VOG is "
        "not valid on that day. The offer is withdrawn and the request goes to another hero."
    )


class RequestClosed(Refusal):
    code = "request_closed"
    status = 409
    message = _("This request has been cancelled or has already taken place.")


class DuplicateRequest(Refusal):
    """The group already has a live request of this kind at an overlapping time: a second one
    would bring two heroes for one class. The body names the request (`existing`)."""

    code = "duplicate_request"
    status = 409

    def __init__(self, existing):
        self.existing = existing
        when = min(w.starts_at for w in existing.windows.all()).astimezone(LOCAL_TZ)
        super().__init__(
            _(
                "Group %(group)s already has a request at an overlapping time (%(kind)s, from "
                "%(when)s). Open that request to change its times, or choose other times."
            )
            % {
                "group": existing.group.name,
                "kind": existing.get_kind_display(),
                "when": f"{when:%d-%m-%Y %H:%M}",
            }
        )

    def body(self) -> dict:
        return {**super().body(), "existing": self.existing.pk}


class BlockOverlaps(Refusal):
    """The kit is already blocked for part of this time: a second block would say nothing new
    (and is what a form or API call sent twice would make). The body names the block."""

    code = "block_overlaps"
    status = 409

    def __init__(self, existing):
        self.existing = existing
        super().__init__(
            _(
                "This kit is already blocked from %(start)s to %(end)s. Change or remove that "
                "block instead."
            )
            % {
                "start": f"{existing.starts_at.astimezone(LOCAL_TZ):%d-%m-%Y %H:%M}",
                "end": f"{existing.ends_at.astimezone(LOCAL_TZ):%d-%m-%Y %H:%M}",
            }
        )

    def body(self) -> dict:
        return {**super().body(), "existing": self.existing.pk}


class RuleWarnings(Refusal):
    """A manual assignment breaks rules; repeat it with `force` to assign anyway."""

    code = "breaks_rules"
    status = 409
    message = _("This assignment breaks the matching rules. Confirm to assign it anyway.")

    def __init__(self, warnings: list[str]):
        self.warnings = warnings
        super().__init__()

    def body(self) -> dict:
        return {**super().body(), "warnings": list(self.warnings)}


class BlockAffectsVisits(Refusal):
    """A kit block over pending offers or confirmed visits with the kit: repeat it with
    `confirm` to block anyway (they are withdrawn or cancelled and matched again)."""

    code = "block_affects_visits"
    status = 409
    message = _(
        "The kit is planned for visits or offers in this time. Confirm to block it anyway: "
        "they are cancelled, the schools and heroes are told, and matching looks again."
    )

    def __init__(self, offers, visits):
        self.offers, self.visits = list(offers), list(visits)
        super().__init__()

    def body(self) -> dict:
        return {
            **super().body(),
            "affected": [_affected(o, "offer") for o in self.offers]
            + [_affected(v, "visit") for v in self.visits],
        }


def _affected(item, kind: str) -> dict:
    """A pending offer or confirmed visit as the API lists it in a refusal."""
    return {
        "kind": kind,
        "id": item.pk,
        "request": item.request_id,
        "school": item.request.school.name,
        "group": item.request.group.name,
        "hero": item.hero.display_name,
        "starts_at": item.starts_at.isoformat(),
        "ends_at": item.ends_at.isoformat(),
    }


class VisitStarted(Refusal):
    message = _("This visit has already started.")


class VisitNotConfirmed(Refusal):
    message = _("This visit is already cancelled.")
