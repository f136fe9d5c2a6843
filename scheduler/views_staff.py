"""Scaffold: replaced by the real views."""

from django.http import Http404


def request_list(request, pk=None):
    raise Http404


def request_create(request, pk=None):
    raise Http404


def request_detail(request, pk=None):
    raise Http404


def request_cancel(request, pk=None):
    raise Http404


def request_reschedule(request, pk=None):
    raise Http404
