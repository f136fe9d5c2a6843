from django.urls import path

from . import views_staff as views

urlpatterns = [
    path("", views.activity_list, name="staff_list"),
    path("new/", views.activity_create, name="staff_create"),
    path("<int:pk>/", views.activity_detail, name="staff_detail"),
    path("<int:pk>/edit/", views.activity_update, name="staff_update"),
    path("<int:pk>/publish/", views.activity_publish, name="staff_publish"),
    path("<int:pk>/cancel/", views.activity_cancel, name="staff_cancel"),
    path("<int:pk>/draw/", views.activity_draw, name="staff_draw"),
    path("<int:pk>/place/", views.enrolment_place, name="staff_place"),
    path(
        "<int:activity_pk>/enrolments/<int:pk>/cancel/",
        views.enrolment_cancel,
        name="staff_enrolment_cancel",
    ),
    path("<int:pk>/attendance/", views.activity_report, name="staff_report"),
    path("<int:pk>/attendance.csv", views.activity_report_csv, name="staff_report_csv"),
    path("sessions/<int:pk>/register/", views.attendance_register, name="staff_register"),
    path("sessions/<int:pk>/cancel/", views.occurrence_cancel, name="staff_occurrence_cancel"),
    path("children/<int:pk>/attendance/", views.child_report, name="staff_child_report"),
]
