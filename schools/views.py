from django.http import HttpResponse


def school_list(request):
    return HttpResponse("TODO")


neighbourhood_list = venue_list = school_list
