"""Why matching found nobody for a request, in words for staff and coordinators.

The codes are the matching engine's (scheduler.matching.model); the engine keeps its own
English notes for logs, these are the translated texts people read.
"""

from django.utils.translation import gettext_lazy as _

from .matching import model as m

REASONS = {
    m.WINDOW_PAST: _("Every preferred time is in the past. Give new times."),
    m.NO_KIT_BIG_ENOUGH: _("No VR kit has enough headsets for this class."),
    m.NO_HERO_AVAILABLE: _(
        "No hero who speaks the language (and knows the topic) is available at the preferred "
        "times. More or wider times help."
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
