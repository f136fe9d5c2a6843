"""Pages for families (browse, children, enrolments) and, under manage/, for staff
(publishing, lists, attendance)."""

from django.urls import path

from .views import family, staff, venues

app_name = "activities"

urlpatterns = [
    # Families
    path("", family.browse, name="browse"),
    path("<int:pk>/", family.browse_detail, name="browse_detail"),
    path("enrolled/", family.enrol_result, name="enrol_result"),
    path("children/", family.children, name="children"),
    path("children/add/", family.child_add, name="child_add"),
    path("children/classes/", family.child_groups, name="child_groups"),
    path("children/<int:pk>/edit/", family.child_edit, name="child_edit"),
    path("children/<int:pk>/forget/", family.child_forget, name="child_forget"),
    path("mine/", family.my_enrolments, name="my_enrolments"),
    path("mine/<int:pk>/cancel/", family.my_enrolment_cancel, name="my_enrolment_cancel"),
    path("mine/<int:pk>/accept/", family.my_offer_accept, name="my_offer_accept"),
    path("mine/<int:pk>/decline/", family.my_offer_decline, name="my_offer_decline"),
    path("mine/<int:pk>/sessions/", family.my_sessions, name="my_sessions"),
    path(
        "mine/<int:pk>/sessions/<int:session_pk>/absent/",
        family.my_absence_report,
        name="my_absence_report",
    ),
    path(
        "mine/<int:pk>/sessions/<int:session_pk>/absent/undo/",
        family.my_absence_withdraw,
        name="my_absence_withdraw",
    ),
    # School staff and coordinators
    path("manage/", staff.activity_list, name="staff_list"),
    path("manage/new/", staff.activity_create, name="staff_create"),
    path("manage/<int:pk>/", staff.activity_detail, name="staff_detail"),
    path("manage/<int:pk>/edit/", staff.activity_update, name="staff_update"),
    path("manage/<int:pk>/publish/", staff.activity_publish, name="staff_publish"),
    path("manage/<int:pk>/cancel/", staff.activity_cancel, name="staff_cancel"),
    path("manage/<int:pk>/draw/", staff.activity_draw, name="staff_draw"),
    path("manage/<int:pk>/place/", staff.enrolment_place, name="staff_place"),
    path(
        "manage/<int:activity_pk>/enrolments/<int:pk>/cancel/",
        staff.enrolment_cancel,
        name="staff_enrolment_cancel",
    ),
    path("manage/<int:pk>/attendance/", staff.activity_report, name="staff_report"),
    path("manage/<int:pk>/attendance.csv", staff.activity_report_csv, name="staff_report_csv"),
    path("manage/sessions/<int:pk>/register/", staff.attendance_register, name="staff_register"),
    path(
        "manage/sessions/<int:pk>/cancel/",
        staff.occurrence_cancel,
        name="staff_occurrence_cancel",
    ),
    path("manage/children/<int:pk>/attendance/", staff.child_report, name="staff_child_report"),
    # Venues: a week at a glance (staff and coordinators), clashes (coordinators)
    path("manage/venues/<int:pk>/week/", venues.venue_week, name="venue_week"),
    path("manage/venues/clashes/", venues.venue_clashes, name="venue_clashes"),
]
