"""A refusal that a page's view did not handle is answered with its status and message on a
plain page, never a 500. (The API has its own mapping: config.exceptions.)"""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import render

from .refusals import Refusal


class RefusalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, Refusal):
            return None
        response = render(
            request, "refused.html", {"message": exception.message}, status=exception.status
        )
        for name, value in exception.headers.items():
            response[name] = value
        return response
