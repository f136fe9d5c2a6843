from django import template

from scheduler.fit_text import why_for_hero, why_for_school
from scheduler.reasons_text import rule_text

register = template.Library()


@register.filter
def rule_warning(note: str) -> str:
    """A matching rule the assignment breaks, in the reader's language."""
    return rule_text(note)


@register.filter
def why_you(offer) -> str:
    """Why matching chose this hero, said to the hero: 'a; b; c' (empty when nothing stood
    out)."""
    if not getattr(offer, "fit", None):
        return ""  # nothing stood out, or no offer (a template rendered without one)
    return "; ".join(why_for_hero(offer.fit, offer.request))


@register.filter
def why_this_hero(fit: list[str], session_request) -> str:
    """Why matching chose the hero of a visit (its offer's `fit`), said to the school."""
    if not fit or not session_request:
        return ""
    return "; ".join(why_for_school(fit, session_request))


@register.filter
def why_chosen(item) -> str:
    """Why matching chose the hero of an offer or of a visit (its offer's), said to the
    coordinator; empty when nothing stood out. A visit's request is its own, not its offer's
    (one query less a row)."""
    offer = getattr(item, "offer", item)
    if not getattr(offer, "fit", None):
        return ""
    return "; ".join(why_for_school(offer.fit, item.request, yours=False))
