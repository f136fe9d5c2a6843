"""Scaffold: replaced by the real views."""

from django.http import Http404


def board(request, pk=None):
    raise Http404


def run_start(request, pk=None):
    raise Http404


def run_detail(request, pk=None):
    raise Http404


def assign(request, pk=None):
    raise Http404


def kit_list(request, pk=None):
    raise Http404


def kit_create(request, pk=None):
    raise Http404


def kit_detail(request, pk=None):
    raise Http404


def kit_edit(request, pk=None):
    raise Http404


def block_delete(request, pk=None):
    raise Http404
