from django.http import HttpResponse


def home(request):
    return HttpResponse("TODO")


mfa_required = account_settings = invitation_list = home
