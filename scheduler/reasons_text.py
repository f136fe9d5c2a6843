"""Why matching found nobody for a request, in words for staff and coordinators.

The codes are the matching engine's (scheduler.matching.model); the engine keeps its own
English notes for logs, these are the translated texts people read.
"""

from django.utils.translation import gettext_lazy as _

from .matching import model as m
from .models import SessionRequest

REASONS = {
    m.WINDOW_PAST: _("Every preferred time is in the past. Give new times."),
    m.NO_KIT_BIG_ENOUGH: _("No VR kit has enough headsets for this class."),
    m.NO_HERO_AVAILABLE: _(
        "No hero who speaks the language is available at the preferred times. More or wider "
        "times help."
    ),
    m.NO_TOPIC_HERO: _(
        "The topic is required, and no hero who talks about it is available at the preferred "
        "times. More or wider times help, or making the topic a wish."
    ),
    m.NO_VALID_VOG: _(
        "The heroes available at the preferred times have no certificate of conduct (VOG) "
        "valid on that day."
    ),
    m.NO_VR_TRAINED_HERO: _("No hero trained for VR sessions is free at the preferred times."),
    m.ALL_EXCLUDED: _("Every fitting hero has declined this request or let the offer expire."),
    m.NO_KIT_FREE: _("No big-enough VR kit is free when a fitting hero is."),
    m.HERO_LIMITS: _("Every fitting hero has reached their number of visits for that month."),
    m.COMPETITION: _("The fitting heroes were given to other requests. Matching tries again soon."),
}


def reason_text(code: str) -> str:
    """The text for a reason code; empty for no code, a general text for an unknown one."""
    if not code:
        return ""
    return str(REASONS.get(code, _("No hero could be found yet.")))


# The matching validator's notes on a hand-made assignment (rules.validate), by a fragment of
# the note: the validator is pure Python and speaks English to logs and the API.
RULES = [
    ("off the", _("The start is not on a quarter of an hour.")),
    ("lasts", _("The time does not match the length of the session.")),
    (
        "not inside a preferred window",
        _("The time is not inside one of the school's preferred times, or it is in the past."),
    ),
    ("is not available then", _("The hero is not available at that time.")),
    ("has no VOG valid", _("The hero has no certificate of conduct (VOG) valid on that day.")),
    ("does not speak", _("The hero does not speak the language of the visit.")),
    ("lacks topic", _("The hero does not know the topic.")),
    ("is excluded", _("The hero declined this request before or let the offer expire.")),
    ("is not VR-trained", _("The hero is not trained for VR sessions.")),
    ("without a (known) kit", _("A VR session needs a VR kit.")),
    ("too small for", _("The VR kit has too few headsets for this class.")),
    ("is blocked then", _("The VR kit is in maintenance at that time.")),
    ("with a kit", _("A Local Hero visit does not take a VR kit.")),
    (
        "collide",
        _("The hero or the VR kit has another visit or offer then (travel time included)."),
    ),
    ("above the limit", _("The hero would go over their maximum number of visits that month.")),
]


def rule_text(note: str) -> str:
    """A validator note in words; the note itself when it is not known here."""
    for fragment, text in RULES:
        if fragment in note:
            return str(text)
    return note


# What the school reads after a hero said no or let the offer pass: never who, never why. The
# hero's reason may be private (health, family) and is written for the coordinator.
DECLINE_NOTES = {
    SessionRequest.Status.OPEN: _(
        "A Local Hero could not come at this time. We are looking for someone else."
    ),
    SessionRequest.Status.OFFERED: _(
        "A Local Hero could not come at this time. We have asked someone else."
    ),
}


def decline_note(session_request: SessionRequest) -> str:
    """A kind sentence for the school while a hero is still sought after a decline or an
    expired offer; empty otherwise. Needs `closed_offers` (selectors.CLOSED_OFFERS)."""
    if not session_request.closed_offers:
        return ""
    return str(DECLINE_NOTES.get(session_request.status, ""))
