from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def browse(request):
    return render(request, "activities/family/browse.html", {})


@login_required
def children(request):
    return render(request, "activities/family/browse.html", {})


@login_required
def my_enrolments(request):
    enrolments = selectors.enrolments_of(request.user)
    return render(request, "activities/family/browse.html", {"enrolments": enrolments})
