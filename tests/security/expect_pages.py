"""Expectations for the site's pages (see test_access.py)."""

from __future__ import annotations

from .conftest import (
    ANONYMOUS,
    COORDINATOR,
    DIRECTORY,
    HERO,
    PARENT,
    PROGRAMME,
    STAFF,
    UNKNOWN_TOKEN,
)
from .expect import (
    EVERYONE,
    SELF_SERVICE,
    SIGNED_IN,
    E,
    Expect,
    child_body,
    goes,
    kit_body,
    ok,
    pk,
)

# What a municipality's figures name: its places (a neighbourhood, a school, a VR kit).
PLACES_IN_FIGURES = (
    "municipality",
    "neighbourhood",
    "neighbourhood_dir",
    "school",
    "vo_school",
    "kit",
)

PAGES: dict[str, Expect] = {
    # --- the site's own pages for everyone -------------------------------------------------
    "home": E(
        "the person's own start page (their own roles and figures)",
        ok(SIGNED_IN, ("GET", "POST")),
    ),
    "healthz": E("the load balancer's health check: no data", ok(EVERYONE, ("GET", "POST"))),
    "privacy": E("the privacy statement, for everyone", ok(EVERYONE, ("GET", "POST"))),
    "set_language": E(
        "the language switch: a cookie and back to `next`",
        goes(EVERYONE, ("GET", "POST"), "/"),
        body=lambda b: {"language": "nl", "next": "/"},
    ),
    # --- the person's own account -----------------------------------------------------------
    "mfa_required": E("explains the two-step requirement", ok(SIGNED_IN, ("GET", "POST"))),
    "account_settings": E(
        "the person's own settings (an empty form re-shows the page)",
        ok(SIGNED_IN, ("GET", "POST")),
    ),
    "invitation_list": E(
        "coordinators' invitations: only their own municipality's (a school of B is not a "
        "choice: the form says so)",
        ok((COORDINATOR,), ("GET", "POST")),
        body=lambda b: {
            "kind": "staff",
            "staff-school": b.pk("vo_school"),
            "staff-email": "indringer@example.test",
            "staff-staff_role": "teacher",
        },
    ),
    "invitation_resend": E("B's invitation", fill=pk("invitation")),
    "invitation_revoke": E("B's invitation", fill=pk("invitation")),
    "invitation_accept": E(
        "the link in an invitation mail: the token is the key, so an outsider without it "
        "finds nothing",
        fill={"token": UNKNOWN_TOKEN},
    ),
    "data_export_request": E(
        "asks for the person's own data export",
        goes(SIGNED_IN, ("POST",), "/accounts/settings/", effects=("accounts_dataexport",)),
    ),
    "data_export": E(
        "B's guardian's export: for its owner only", fill={"token": "token:data_export"}
    ),
    "data_export_json": E(
        "B's guardian's export: for its owner only", fill={"token": "token:data_export"}
    ),
    "account_delete": E(
        "deleting one's own account asks for the password again first",
        goes(SIGNED_IN, ("GET", "POST"), "/accounts/reauthenticate/"),
    ),
    "hero_leave": E(
        "a Local Hero stopping: asks for the password again first (and is for heroes only)"
    ),
    "audit_trail": E(
        "the audit trail of the coordinator's own municipalities",
        ok((COORDINATOR,), ("GET", "POST")),
    ),
    "retention_overview": E(
        "what the retention run removes: the coordinator's own municipality only",
        ok((COORDINATOR,), ("GET", "POST")),
    ),
    "undelivered_list": E(
        "dead letters of the coordinator's own municipality", ok((COORDINATOR,), ("GET", "POST"))
    ),
    "undelivered_resend": E("B's failed message", fill=pk("notification")),
    # --- allauth: logging in, signing up, the person's own email, password and second factor
    "account_login": E(
        "the login page; someone signed in goes home",
        ok((ANONYMOUS,), ("GET", "POST", "PUT")),
        goes(SIGNED_IN, ("GET", "POST", "PUT"), "/"),
    ),
    "account_logout": E(
        "logging out (of one's own session only)",
        ok(SIGNED_IN, ("GET",)),
        goes(EVERYONE, ("GET", "POST"), "/"),
    ),
    "account_inactive": E(SELF_SERVICE, ok(EVERYONE)),
    "account_signup": E(
        "signing up; someone signed in goes home",
        ok((ANONYMOUS,), ("GET", "POST", "PUT")),
        goes(SIGNED_IN, ("GET", "POST", "PUT"), "/"),
    ),
    "account_reauthenticate": E(SELF_SERVICE, ok(SIGNED_IN, ("GET", "POST", "PUT"))),
    "account_request_reauthentication_code": E(SELF_SERVICE, ok(SIGNED_IN, ("GET", "POST", "PUT"))),
    "account_confirm_reauthentication_code": E(
        "entering a code without having asked for one: back to asking",
        goes(SIGNED_IN, ("GET", "POST", "PUT"), "/accounts/reauthenticate/code/"),
    ),
    "account_email": E(
        SELF_SERVICE,
        ok(SIGNED_IN, ("GET",)),
        goes(SIGNED_IN, ("POST", "PUT"), "/accounts/email/"),
    ),
    "account_email_verification_sent": E(SELF_SERVICE, ok(EVERYONE, ("GET", "POST"))),
    "account_change_password": E(SELF_SERVICE, ok(SIGNED_IN, ("GET", "POST", "PUT"))),
    "account_set_password": E(
        "someone with a password changes it instead",
        goes(SIGNED_IN, ("GET", "POST", "PUT"), "/accounts/password/change/"),
    ),
    "account_reset_password": E(SELF_SERVICE, ok(EVERYONE, ("GET", "POST", "PUT"))),
    "account_confirm_login_code": E(
        "entering a login code without having asked for one: back to asking; someone signed "
        "in goes home",
        goes((ANONYMOUS,), ("GET", "POST", "PUT"), "/accounts/login/code/"),
        goes(SIGNED_IN, ("GET", "POST", "PUT"), "/"),
    ),
    "account_confirm_email": E(
        "a confirmation link with a key that is no key: says the link is not valid",
        ok(EVERYONE, ("GET", "POST")),
        fill={"key": "no-such-key"},
    ),
    "account_reset_password_from_key_done": E(SELF_SERVICE, ok(EVERYONE)),
    "account_reset_password_from_key": E(
        "a password reset link with a key that is no key: says the link is not valid",
        ok(EVERYONE, ("GET", "POST", "PUT")),
        fill={"uidb36": "2s", "key": "no-such-key"},
    ),
    "account_reset_password_done": E(SELF_SERVICE, ok(EVERYONE)),
    "account_request_login_code": E(
        "asking for a login code; someone signed in goes home",
        ok((ANONYMOUS,), ("GET", "POST", "PUT")),
        goes(SIGNED_IN, ("GET", "POST", "PUT"), "/"),
    ),
    "mfa_index": E(SELF_SERVICE, ok(SIGNED_IN)),
    "mfa_authenticate": E(
        "the second step of a login; someone signed in goes home",
        goes(SIGNED_IN, ("GET", "POST"), "/"),
    ),
    "mfa_reauthenticate": E(
        "confirming access with the person's own second factor (or their password)",
        ok((STAFF, COORDINATOR, PROGRAMME), ("GET", "POST", "PUT")),
    ),
    "mfa_activate_totp": E(SELF_SERVICE),
    "mfa_deactivate_totp": E(SELF_SERVICE),
    "mfa_view_recovery_codes": E(SELF_SERVICE),
    "mfa_generate_recovery_codes": E(SELF_SERVICE),
    "mfa_download_recovery_codes": E(SELF_SERVICE),
    "mfa_list_webauthn": E("the person's own security keys", ok(SIGNED_IN)),
    "mfa_add_webauthn": E(SELF_SERVICE),
    "mfa_reauthenticate_webauthn": E(SELF_SERVICE),
    "mfa_remove_webauthn": E("a security key of B's staff", fill=pk("webauthn")),
    "mfa_edit_webauthn": E("a security key of B's staff", fill=pk("webauthn")),
    "mfa_login_webauthn": E(
        "logging in with a security key; someone signed in goes home",
        goes(SIGNED_IN, ("GET", "POST", "PUT"), "/"),
    ),
    # --- schools ----------------------------------------------------------------------------
    "schools:school_list": E(
        "the schools the person manages; B's neighbourhood is not a choice",
        ok((STAFF, COORDINATOR), ("GET", "POST")),
        query=lambda b: {"neighbourhood": b.pk("neighbourhood_dir")},
    ),
    "schools:school_create": E(
        "adding a school to one's own municipality (B's neighbourhood is not a choice)",
        ok((COORDINATOR,), ("GET", "POST")),
        body=lambda b: {
            "name": "Indringerschool",
            "brin": "99ZZ",
            "level": "po",
            "street": "Straat 1",
            "postcode": "1234 AB",
            "city": "Ergens",
            "neighbourhood": b.pk("neighbourhood_dir"),
        },
    ),
    "schools:school_detail": E("B's school", fill=pk("vo_school")),
    "schools:school_update": E("B's school", fill=pk("vo_school")),
    "schools:school_delete": E("B's school", fill=pk("vo_school")),
    "schools:group_create": E("a group for B's school", fill={"school_pk": "pk:vo_school"}),
    "schools:group_update": E("B's group", fill=pk("vo_group")),
    "schools:group_delete": E("B's group", fill=pk("vo_group")),
    "schools:neighbourhood_list": E(
        "neighbourhoods of one's own municipality", ok((COORDINATOR,), ("GET", "POST"))
    ),
    "schools:neighbourhood_create": E(
        "a neighbourhood in one's own municipality (B is not a choice)",
        ok((COORDINATOR,), ("GET", "POST")),
        body=lambda b: {"municipality": b.pk("municipality"), "name": "Indringerwijk"},
    ),
    "schools:neighbourhood_update": E("B's neighbourhood", fill=pk("neighbourhood_dir")),
    "schools:neighbourhood_delete": E("B's neighbourhood", fill=pk("neighbourhood_dir")),
    "schools:venue_list": E(
        "venues of one's own municipality", ok((COORDINATOR,), ("GET", "POST"))
    ),
    "schools:venue_create": E(
        "a venue in one's own municipality (B's neighbourhood is not a choice)",
        ok((COORDINATOR,), ("GET", "POST")),
        body=lambda b: {
            "name": "Indringerzaal",
            "street": "Straat 1",
            "postcode": "1234 AB",
            "city": "Ergens",
            "neighbourhood": b.pk("neighbourhood_dir"),
        },
    ),
    "schools:venue_update": E("B's venue", fill=pk("venue")),
    "schools:venue_delete": E("B's venue", fill=pk("venue")),
    "schools:closure_list": E(
        "closures of one's own schools and municipality", ok((STAFF, COORDINATOR), ("GET", "POST"))
    ),
    "schools:closure_create": E(
        "a closure for one's own school or municipality (B's school is not a choice; linked "
        "from B's school the form starts empty)",
        ok((STAFF, COORDINATOR), ("GET", "POST")),
        query=lambda b: {"school": b.pk("vo_school")},
        body=lambda b: {
            "school": b.pk("vo_school"),
            "municipality": b.pk("municipality"),
            "name": "Indringersluiting",
            "kind": "holiday",
            "start_date": "2026-12-01",
            "end_date": "2026-12-02",
        },
    ),
    "schools:closure_update": E("B's closure", fill=pk("closure")),
    "schools:closure_delete": E("B's closure", fill=pk("closure")),
    # --- activities: families -----------------------------------------------------------------
    "activities:browse": E(
        "published activities, for parents (B's published activity among them)",
        ok((PARENT,), ("GET", "POST")),
        query=lambda b: {"school": b.pk("school"), "child": b.pk("child")},
    ),
    "activities:browse_detail": E(
        "a published activity, for parents; enrolling someone else's child is a 404",
        ok((PARENT,)),
        fill=pk("activity"),
        body=lambda b: {"children": [b.pk("child")]},
    ),
    "activities:enrol_result": E(
        "what happened to the person's own enrolments (B's is none of them)",
        query=lambda b: {"e": b.pk("enrolment")},
    ),
    "activities:children": E("the person's own children", ok(SIGNED_IN, ("GET", "POST"))),
    "activities:child_add": E(
        "registering one's own child at any school (children cross municipal borders): the "
        "form lists every school, and the classes of the school chosen; a class of another "
        "school is not a choice",
        ok(SIGNED_IN, ("GET", "POST")),
        body=lambda b: {**child_body(b), "consent": "on"},
        shows=("group", DIRECTORY),
    ),
    "activities:child_groups": E(
        "the classes of a school for the child form: of any school, as any school may be chosen",
        ok(SIGNED_IN),
        query=lambda b: {"school": b.pk("school")},
        shows=("group",),
    ),
    "activities:child_edit": E("B's child", fill=pk("child")),
    "activities:child_forget": E("B's child", fill=pk("child")),
    "activities:my_enrolments": E("the person's own enrolments", ok((PARENT,), ("GET", "POST"))),
    "activities:my_enrolment_cancel": E("B's enrolment", fill=pk("enrolment")),
    "activities:my_offer_accept": E("B's offered place", fill=pk("offered_enrolment")),
    "activities:my_offer_decline": E("B's offered place", fill=pk("offered_enrolment")),
    "activities:my_sessions": E("B's enrolment's sessions and marks", fill=pk("enrolment")),
    "activities:my_absence_report": E(
        "reporting B's child absent",
        fill={"pk": "pk:enrolment", "session_pk": "pk:occurrence"},
        body=lambda b: {"reason": "Indringer"},
    ),
    "activities:my_absence_withdraw": E(
        "taking back B's child's absence",
        fill={"pk": "pk:enrolment", "session_pk": "pk:occurrence"},
    ),
    # --- activities: staff ---------------------------------------------------------------------
    "activities:staff_list": E(
        "activities of one's own schools (B's school is not a filter choice)",
        ok((STAFF, COORDINATOR), ("GET", "POST")),
        query=lambda b: {"school": b.pk("school")},
    ),
    "activities:staff_create": E(
        "an activity at one's own school (B's school and venue are not choices)",
        ok((STAFF, COORDINATOR), ("GET", "POST")),
        body=lambda b: {"school": b.pk("school"), "venue": b.pk("venue"), "title": "Indringer"},
    ),
    "activities:staff_detail": E("B's activity", fill=pk("activity")),
    "activities:staff_update": E("B's draft", fill=pk("draft_activity")),
    "activities:staff_publish": E("B's draft", fill=pk("draft_activity")),
    "activities:venue_week": E("B's venue's week", fill=pk("venue")),
    "activities:venue_clashes": E(
        "clashes at the venues of one's own municipality (B's are not among them)",
        ok((COORDINATOR,), ("GET", "POST")),
    ),
    "activities:staff_cancel": E("B's activity", fill=pk("activity")),
    "activities:staff_draw": E("B's activity", fill=pk("activity")),
    "activities:staff_place": E(
        "B's activity", fill=pk("activity"), body=lambda b: {"enrolment": b.pk("enrolment")}
    ),
    "activities:staff_enrolment_cancel": E(
        "B's enrolment", fill={"activity_pk": "pk:activity", "pk": "pk:enrolment"}
    ),
    "activities:staff_report": E("B's attendance", fill=pk("activity")),
    "activities:staff_report_csv": E("B's attendance", fill=pk("activity")),
    "activities:staff_register": E(
        "B's register",
        fill=pk("occurrence"),
        body=lambda b: {f"mark-{b.pk('enrolment')}": "absent"},
    ),
    "activities:staff_occurrence_cancel": E(
        "B's session", fill=pk("occurrence"), body=lambda b: {"reason": "Indringer"}
    ),
    "activities:staff_child_report": E("B's child", fill=pk("child")),
    # --- heroes -------------------------------------------------------------------------------
    "heroes:my_profile": E("the hero's own profile", ok((HERO,), ("GET", "POST"))),
    "heroes:my_profile_edit": E(
        "the hero's own profile (B's topic and neighbourhoods are not choices)",
        ok((HERO,), ("GET", "POST")),
        body=lambda b: {
            "topics": [b.pk("topic")],
            "home_neighbourhood": b.pk("neighbourhood_dir"),
            "visit_neighbourhoods": [b.pk("neighbourhood_dir")],
            "max_visits_per_month": 4,
        },
    ),
    "heroes:my_availability": E("the hero's own availability", ok((HERO,), ("GET", "POST"))),
    "heroes:window_remove": E("B's hero's window", fill=pk("window_1")),
    "heroes:away_remove": E("B's hero's away period", fill=pk("away_period")),
    "heroes:hero_list": E("heroes of one's own municipality", ok((COORDINATOR,), ("GET", "POST"))),
    "heroes:hero_detail": E(
        "B's hero",
        fill=pk("hero"),
        body=lambda b: {"form": "vog", "vog-issued_on": "2026-10-01"},
    ),
    "heroes:topic_list": E(
        "topics of one's own municipality (B is not a choice)",
        ok((COORDINATOR,), ("GET", "POST")),
        body=lambda b: {"municipality": b.pk("municipality"), "name": "Indringer"},
    ),
    "heroes:topic_edit": E("B's topic", fill=pk("topic"), body=lambda b: {"name": "Indringer"}),
    # --- session requests, offers, visits, the board and kits ----------------------------------
    "scheduler:request-list": E(
        "requests of one's own schools", ok((STAFF, COORDINATOR), ("GET", "POST"))
    ),
    "scheduler:request-create": E(
        "a request for a group of one's own school (B's group and topic are not choices)",
        ok((STAFF,), ("GET", "POST")),
        body=lambda b: {
            "group": b.pk("vo_group"),
            "kind": "hero",
            "topic": b.pk("topic"),
            "language": "nl",
            "duration_min": 60,
            "form-TOTAL_FORMS": 1,
            "form-INITIAL_FORMS": 0,
            "form-0-day": "2026-11-10",
            "form-0-starts": "10:00",
            "form-0-ends": "12:00",
        },
    ),
    "scheduler:request-detail": E("B's request", fill=pk("request")),
    "scheduler:request-cancel": E("B's request", fill=pk("request")),
    "scheduler:request-reschedule": E("B's request", fill=pk("request")),
    "scheduler:hero-offers": E("the hero's own offers", ok((HERO,), ("GET", "POST"))),
    "scheduler:offer-detail": E("B's hero's offer", fill=pk("offer")),
    "scheduler:offer-accept": E("B's hero's offer", fill=pk("offer")),
    "scheduler:offer-decline": E("B's hero's offer", fill=pk("offer")),
    "scheduler:visit-withdraw": E(
        "B's hero's visit", fill=pk("visit"), body=lambda b: {"reason": "Indringer"}
    ),
    "scheduler:board": E(
        "the board of one's own municipality; B's is a 404",
        ok((COORDINATOR,), ("POST",)),
        query=lambda b: {"municipality": b.pk("municipality")},
    ),
    "scheduler:run-start": E("a run for B", body=lambda b: {"municipality": b.pk("municipality")}),
    "scheduler:run-detail": E("B's run", fill=pk("run")),
    "scheduler:assign": E("B's request", fill=pk("request")),
    "scheduler:kit-list": E("kits of one's own municipality", ok((COORDINATOR,), ("GET", "POST"))),
    "scheduler:kit-create": E(
        "a kit for one's own municipality (B and its venue are not choices)",
        ok((COORDINATOR,), ("GET", "POST")),
        body=kit_body,
    ),
    "scheduler:kit-detail": E("B's kit", fill=pk("kit")),
    "scheduler:kit-edit": E("B's kit", fill=pk("kit"), body=kit_body),
    "scheduler:block-delete": E("B's kit's block", fill=pk("block")),
    # --- Be on Track messages to families ----------------------------------------------------
    "campaigns:list": E(
        "the messages the person sent, and those of the coordinator's own municipality",
        ok((STAFF, COORDINATOR), ("GET",)),
    ),
    "campaigns:compose": E(
        "writing to families of one's own school or municipality: B, its neighbourhood and its "
        "school are not choices (the form says so)",
        ok((STAFF, COORDINATOR), ("GET", "POST")),
        body=lambda b: {
            "municipality": b.pk("municipality"),
            "neighbourhood": b.pk("neighbourhood"),
            "school": b.pk("school"),
            "subject_nl": "Indringer",
            "text_nl": "Indringer",
            "when": "now",
            "action": "send",
        },
    ),
    "campaigns:detail": E("B's message", fill=pk("parent_message")),
    "campaigns:edit": E(
        "B's message (only its sender may change it)",
        fill=pk("parent_message"),
        body=lambda b: {"subject_nl": "Indringer", "text_nl": "Indringer", "action": "send"},
    ),
    "campaigns:unsubscribe": E(
        "the stop link in a message: the signed token is the key, so an outsider without it "
        "finds nothing",
        fill={"token": UNKNOWN_TOKEN},
    ),
    # --- the steering figures: aggregates only ------------------------------------------------
    "reports:dashboard": E(
        "a municipality's figures: a coordinator's own (B is not a choice: the form says so and "
        "shows their own); staff go to their own school's; the programme team sees any "
        "municipality's figures, so B's names of places (never a person, a class or a child)",
        ok((COORDINATOR, PROGRAMME), ("GET",)),
        goes((STAFF,), ("GET",), "/reports/schools/"),
        query=lambda b: {"municipality": b.pk("municipality")},
        shows=PLACES_IN_FIGURES,
    ),
    "reports:council": E(
        "the council report of the coordinator's own municipality (B is not a choice); the text "
        "is saved for their own",
        ok((COORDINATOR,), ("GET", "POST"), effects=("reports_councilreport",)),
        goes((COORDINATOR,), ("POST",), "/reports/council/", effects=("reports_councilreport",)),
        query=lambda b: {"municipality": b.pk("municipality")},
        body=lambda b: {"text": "Indringer"},
    ),
    "reports:school": E("B's school's figures", fill=pk("school")),
    "reports:national": E(
        "every municipality side by side, for the programme team: B's name and nothing else",
        ok((PROGRAMME,), ("GET",)),
        shows=("municipality",),
    ),
    # --- the programme team's municipalities ---------------------------------------------------
    "programme:municipality_list": E(
        "every municipality with its counts, for the programme team: B's name and numbers, "
        "never a person",
        ok((PROGRAMME,), ("GET",)),
        shows=("municipality",),
    ),
    "programme:municipality_create": E(
        "adding a municipality and inviting its first coordinator: programme administrators "
        "only (the outsiders' programme member is none); B's name is taken anyway",
        body=lambda b: {
            "name": "Indringerstad",
            "holiday_region": "noord",
            "coordinator_name": "Indringer",
            "coordinator_email": "indringer@example.test",
        },
    ),
    # --- the outbox (a development aid: off without DEBUG) and calendar feeds -----------------
    "notifications:outbox": E(
        "the development outbox (a 404 without DEBUG), asked with DEBUG on: a coordinator reads "
        "the mail about their own municipalities",
        ok((COORDINATOR,), ("GET", "POST")),
        debug=True,
    ),
    "notifications:outbox_detail": E("B's message", fill=pk("notification"), debug=True),
    "notifications:outbox_html": E(
        "B's message, as the mail shows it", fill=pk("notification"), debug=True
    ),
    "notifications:outbox_resend": E("B's message", fill=pk("notification"), debug=True),
    "feeds:feed": E(
        "a calendar feed at a revoked address answers as an unknown one",
        fill={"token": "token:revoked_feed_token"},
    ),
}
