"""Why an enrolment or a waiting-list offer was refused, in words a parent understands.

Each is a `core.refusals.Refusal`: pages show the message, the API answers its status with
`{"detail": message, "code": code}`. Nothing has changed when one is raised. A lock that is not
free in time raises `core.refusals.Busy`.
"""

from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.refusals import Refusal


class NotPublished(Refusal):
    code = "not_published"
    status = 409
    message = _("This activity is not open for enrolment.")


class WindowClosed(Refusal):
    code = "window_closed"
    status = 409
    message = _("Enrolment for this activity is not open now.")


class WrongGrade(Refusal):
    code = "wrong_grade"
    message = _("This activity is not for your child's school type or grade.")


class AlreadyEnrolled(Refusal):
    code = "duplicate"
    status = 409
    message = _("Your child is already enrolled or waiting for this activity.")


class Overlap(Refusal):
    """The child already has an activity on the same weekday at overlapping times; the message
    names it and its time, so the parent knows which one to choose between."""

    code = "overlap"
    status = 409
    message = _("Your child already has another activity at this time.")

    def __init__(self, child=None, other=None):
        self.child, self.other = child, other
        super().__init__(None if other is None else self._naming(child, other))

    @staticmethod
    def _naming(child, other) -> str:
        # Built when raised: the request's language is active then (page or API).
        return gettext(
            "%(child)s already has another activity at that time: %(title)s, every "
            "%(weekday)s from %(start)s to %(end)s (%(first)s to %(last)s)."
        ) % {
            "child": child.first_name if child is not None else gettext("Your child"),
            "title": other.title,
            "weekday": other.get_weekday_display(),
            "start": formats.time_format(other.start_time, "H:i"),
            "end": formats.time_format(other.end_time, "H:i"),
            "first": formats.date_format(other.first_date, "j F Y"),
            "last": formats.date_format(other.last_date, "j F Y"),
        }

    def body(self) -> dict:
        body = super().body()
        if self.other is not None:
            body["other_activity"] = {
                "id": self.other.pk,
                "title": self.other.title,
                "weekday": self.other.weekday,
                "start_time": self.other.start_time.strftime("%H:%M"),
                "end_time": self.other.end_time.strftime("%H:%M"),
                "first_date": self.other.first_date.isoformat(),
                "last_date": self.other.last_date.isoformat(),
            }
        return body


class DuplicateActivity(Refusal):
    """The school already has a live activity with this title on the same day and time from
    the same first date: a second would be the same form sent from two tabs, or made twice by
    two colleagues. The body names it (`existing`)."""

    code = "duplicate_activity"
    status = 409

    def __init__(self, existing):
        self.existing = existing
        super().__init__(
            gettext(
                "Your school already has %(title)s every %(weekday)s at %(start)s from "
                "%(first)s (%(status)s). Open it to change it, or give this one another title."
            )
            % {
                "title": existing.title,
                "weekday": existing.get_weekday_display(),
                "start": formats.time_format(existing.start_time, "H:i"),
                "first": formats.date_format(existing.first_date, "j F Y"),
                "status": existing.get_status_display(),
            }
        )

    def body(self) -> dict:
        return {**super().body(), "existing": self.existing.pk}


class AllDatesPast(Refusal):
    code = "all_dates_past"
    status = 409
    message = _(
        "Every date of this activity is in the past, so no one could come. "
        "Change the dates before you publish it."
    )


class NoSessions(Refusal):
    code = "no_sessions"
    status = 409
    message = _(
        "This activity has no sessions: every date falls in a holiday or closure. "
        "Change the dates before you publish it."
    )


class NotYourChild(Refusal):
    code = "not_your_child"
    status = 404
    message = _("We could not find this child.")


class ConsentOutdated(Refusal):
    code = "consent_outdated"
    status = 409
    message = _(
        "The text you agreed to for your child has changed. Please read it and agree again first."
    )


class PlaceOfferNotOpen(Refusal):
    code = "offer_not_open"
    status = 409
    message = _("This offer has expired or was already answered.")


class NotActive(Refusal):
    code = "not_active"
    status = 409
    message = _("This enrolment was already cancelled or ended.")


class Full(Refusal):
    code = "full"
    status = 409
    message = _("There are no places left in this activity.")


class SessionNotStarted(Refusal):
    code = "session_not_started"
    status = 409
    message = _("This session has not started yet. You can fill in the register once it starts.")


class SessionStarted(Refusal):
    code = "session_started"
    status = 409
    message = _("This session has already started, so this can no longer be changed.")


class SessionCancelled(Refusal):
    code = "session_cancelled"
    status = 409
    message = _("This session is cancelled.")
