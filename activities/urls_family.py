from django.urls import path

from . import views_family as views

urlpatterns = [
    path("", views.browse, name="browse"),
    path("<int:pk>/", views.browse_detail, name="browse_detail"),
    path("enrolled/", views.enrol_result, name="enrol_result"),
    path("children/", views.children, name="children"),
    path("children/add/", views.child_add, name="child_add"),
    path("children/classes/", views.child_groups, name="child_groups"),
    path("children/<int:pk>/edit/", views.child_edit, name="child_edit"),
    path("children/<int:pk>/forget/", views.child_forget, name="child_forget"),
    path("mine/", views.my_enrolments, name="my_enrolments"),
    path("mine/<int:pk>/cancel/", views.my_enrolment_cancel, name="my_enrolment_cancel"),
    path("mine/<int:pk>/accept/", views.my_offer_accept, name="my_offer_accept"),
    path("mine/<int:pk>/decline/", views.my_offer_decline, name="my_offer_decline"),
]
