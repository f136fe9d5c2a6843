from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def activity_list(request):
    return render(request, "activities/family/browse.html", {})
