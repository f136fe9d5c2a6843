"""Every write of the scheduling core, one function per use case, split by what it changes:
`kits` (VR kits and blocks), `requests` (a school's session requests), `offers` (offers and
visits), `runs` (matching runs carried out, assignment by hand) and `messages` (what heroes and
schools hear). Views, the API and tasks call them through this package."""

from .kits import kit_block_add, kit_block_remove, kit_create, kit_fits, kit_update
from .offers import (
    hero_withdraw,
    offer_accept,
    offer_create,
    offer_deadline,
    offer_decline,
    offers_expire,
    visit_withdraw,
    visits_complete,
)
from .requests import (
    DURATIONS,
    MAX_WINDOWS,
    request_cancel,
    request_create,
    request_release,
    request_reschedule,
)
from .runs import (
    manual_check,
    offer_assign_manually,
    run_execute,
    runs_periodic,
    runs_release_stale,
    write_offers,
)

__all__ = [
    "DURATIONS",
    "MAX_WINDOWS",
    "hero_withdraw",
    "kit_block_add",
    "kit_block_remove",
    "kit_create",
    "kit_fits",
    "kit_update",
    "manual_check",
    "offer_accept",
    "offer_assign_manually",
    "offer_create",
    "offer_deadline",
    "offer_decline",
    "offers_expire",
    "request_cancel",
    "request_create",
    "request_release",
    "request_reschedule",
    "run_execute",
    "runs_periodic",
    "runs_release_stale",
    "visit_withdraw",
    "visits_complete",
    "write_offers",
]
