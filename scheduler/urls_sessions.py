"""Pages for session requests (staff), offers and visits (heroes), the matching board and VR
kits (coordinators), all under /sessions/."""

from django.urls import path

from . import views_board, views_hero, views_staff

app_name = "scheduler"

urlpatterns = [
    # School staff
    path("", views_staff.request_list, name="request-list"),
    path("new/", views_staff.request_create, name="request-create"),
    path("<int:pk>/", views_staff.request_detail, name="request-detail"),
    path("<int:pk>/cancel/", views_staff.request_cancel, name="request-cancel"),
    path("<int:pk>/reschedule/", views_staff.request_reschedule, name="request-reschedule"),
    # Local Heroes
    path("offers/", views_hero.offer_list, name="hero-offers"),
    path("offers/<int:pk>/", views_hero.offer_detail, name="offer-detail"),
    path("offers/<int:pk>/accept/", views_hero.offer_accept, name="offer-accept"),
    path("offers/<int:pk>/decline/", views_hero.offer_decline, name="offer-decline"),
    path("visits/<int:pk>/withdraw/", views_hero.visit_withdraw, name="visit-withdraw"),
    # Coordinators
    path("board/", views_board.board, name="board"),
    path("board/runs/", views_board.run_start, name="run-start"),
    path("board/runs/<int:pk>/", views_board.run_detail, name="run-detail"),
    path("board/requests/<int:pk>/assign/", views_board.assign, name="assign"),
    path("kits/", views_board.kit_list, name="kit-list"),
    path("kits/new/", views_board.kit_create, name="kit-create"),
    path("kits/<int:pk>/", views_board.kit_detail, name="kit-detail"),
    path("kits/<int:pk>/edit/", views_board.kit_edit, name="kit-edit"),
    path("kits/blocks/<int:pk>/delete/", views_board.block_delete, name="block-delete"),
]
