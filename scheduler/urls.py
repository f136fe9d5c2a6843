"""Pages for session requests (staff), offers and visits (heroes), the matching board and VR
kits (coordinators), all under /sessions/."""

from django.urls import path

from .views import board, hero, staff

app_name = "scheduler"

urlpatterns = [
    # School staff
    path("", staff.request_list, name="request-list"),
    path("new/", staff.request_create, name="request-create"),
    path("<int:pk>/", staff.request_detail, name="request-detail"),
    path("<int:pk>/cancel/", staff.request_cancel, name="request-cancel"),
    path("<int:pk>/reschedule/", staff.request_reschedule, name="request-reschedule"),
    # Local Heroes
    path("offers/", hero.offer_list, name="hero-offers"),
    path("offers/<int:pk>/", hero.offer_detail, name="offer-detail"),
    path("offers/<int:pk>/accept/", hero.offer_accept, name="offer-accept"),
    path("offers/<int:pk>/decline/", hero.offer_decline, name="offer-decline"),
    path("visits/<int:pk>/withdraw/", hero.visit_withdraw, name="visit-withdraw"),
    # Coordinators
    path("board/", board.board, name="board"),
    path("board/runs/", board.run_start, name="run-start"),
    path("board/runs/<int:pk>/", board.run_detail, name="run-detail"),
    path("board/requests/<int:pk>/assign/", board.assign, name="assign"),
    path("kits/", board.kit_list, name="kit-list"),
    path("kits/new/", board.kit_create, name="kit-create"),
    path("kits/<int:pk>/", board.kit_detail, name="kit-detail"),
    path("kits/<int:pk>/edit/", board.kit_edit, name="kit-edit"),
    path("kits/blocks/<int:pk>/delete/", board.block_delete, name="block-delete"),
]
