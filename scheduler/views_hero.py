"""Scaffold: replaced by the real views."""

from django.http import Http404


def offer_list(request, pk=None):
    raise Http404


def offer_detail(request, pk=None):
    raise Http404


def offer_accept(request, pk=None):
    raise Http404


def offer_decline(request, pk=None):
    raise Http404


def visit_withdraw(request, pk=None):
    raise Http404
