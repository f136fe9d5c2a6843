"""Why an enrolment or a waiting-list offer was refused, in words a parent understands.

Each is a `core.refusals.Refusal`: pages show the message, the API answers its status with
`{"detail": message, "code": code}`. Nothing has changed when one is raised. A lock that is not
free in time raises `core.refusals.Busy`.
"""

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
    code = "overlap"
    status = 409
    message = _("Your child already has another activity at this time.")


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
