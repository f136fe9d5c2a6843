"""Why a hero fits a visit, in words: for the hero in the offer, for the school in the
confirmation and on its request's page, for the coordinator on the board. The codes are kept
on the offer when it is made (`Offer.fit`, from scheduler.matching.rules.fit_parts), so the
words say what matching saw."""

from django.utils.translation import gettext as _

from .matching import rules
from .models import SessionRequest

# The codes, for the API's schema.
FIT_CODES = (rules.TOPIC, rules.LANGUAGE, rules.PLACE, rules.BEFORE)

# Every hero speaks the programme's language: saying so tells the reader nothing.
USUAL_LANGUAGE = SessionRequest._meta.get_field("language").default


def why_for_school(
    fit: list[str], session_request: SessionRequest, *, yours: bool = True
) -> list[str]:
    """'talks about Money and debts', 'speaks Turkish', ... about the hero, to the school
    (`yours`) or to the coordinator."""
    before = _("visited your school before") if yours else _("visited the school before")
    return _say(
        fit,
        session_request,
        {
            rules.TOPIC: _("talks about %(topic)s"),
            rules.LANGUAGE: _("speaks %(language)s"),
            rules.PLACE: _("knows the school's neighbourhood"),
            rules.BEFORE: before,
        },
    )


def why_for_hero(fit: list[str], session_request: SessionRequest) -> list[str]:
    """'the class asked about Money and debts, which you talk about', ... to the hero."""
    return _say(
        fit,
        session_request,
        {
            rules.TOPIC: _("the class asked about %(topic)s, which you talk about"),
            rules.LANGUAGE: _("you speak %(language)s, the language of the visit"),
            rules.PLACE: _("you know the school's neighbourhood"),
            rules.BEFORE: _("you visited this school before"),
        },
    )


def _say(fit: list[str], session_request: SessionRequest, words: dict[str, str]) -> list[str]:
    """The words for the codes, in their order. Left out: the usual language, a topic the
    request no longer has, and codes a newer engine may add that are not known here."""
    topic = session_request.topic
    facts = {
        "topic": topic.name if topic is not None else "",
        "language": session_request.get_language_display(),
    }
    said = []
    for code in fit:
        if code not in words or (code == rules.TOPIC and topic is None):
            continue
        if code == rules.LANGUAGE and session_request.language == USUAL_LANGUAGE:
            continue
        said.append(words[code] % facts)
    return said
