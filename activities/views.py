from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def my_enrolments(request):
    enrolments = selectors.enrolments_of(request.user)
    return render(request, "activities/my_enrolments.html", {"enrolments": enrolments})
