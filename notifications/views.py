from django.http import HttpResponse


def outbox(request):
    return HttpResponse("TODO")
