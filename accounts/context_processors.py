from django.conf import settings


def roles(request):
    return {
        "roles": getattr(request, "roles", None),
        "DEBUG": settings.DEBUG,
    }
