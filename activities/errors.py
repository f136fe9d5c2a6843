"""Why an enrolment or offer was refused, in words a parent understands.

Services raise these; views show `message` next to the form, the API answers 4xx with
`{"detail": message, "code": code}`. Nothing has changed when one is raised.
"""

from django.utils.translation import gettext_lazy as _


class ActivityError(Exception):
    code = "invalid"
    status = 400
    message = _("This is not possible.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class NotPublished(ActivityError):
    code = "not_published"
    status = 409
    message = _("This activity is not open for enrolment.")


class WindowClosed(ActivityError):
    code = "window_closed"
    status = 409
    message = _("Enrolment for this activity is not open now.")


class WrongGrade(ActivityError):
    code = "wrong_grade"
    message = _("This activity is not for your child's school type or grade.")


class AlreadyEnrolled(ActivityError):
    code = "duplicate"
    status = 409
    message = _("Your child is already enrolled or waiting for this activity.")


class Overlap(ActivityError):
    code = "overlap"
    status = 409
    message = _("Your child already has another activity at this time.")


class NotYourChild(ActivityError):
    code = "not_your_child"
    status = 404
    message = _("We could not find this child.")


class OfferNotOpen(ActivityError):
    code = "offer_not_open"
    status = 409
    message = _("This offer has expired or was already answered.")


class NotActive(ActivityError):
    code = "not_active"
    status = 409
    message = _("This enrolment was already cancelled or ended.")


class Full(ActivityError):
    code = "full"
    status = 409
    message = _("There are no places left in this activity.")


class Busy(ActivityError):
    code = "busy"
    status = 503
    message = _("Many people are enrolling right now. Please try again in a moment.")
