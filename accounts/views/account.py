from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import services as campaigns
from core import once
from core.pagination import paginate
from core.views import act, coordinator_required, resubmitted
from notifications import calendar as feeds
from notifications import reminders
from notifications.forms import ReminderPreferenceForm
from scheduler import selectors as scheduler_selectors

from .. import selectors, services
from ..forms import HeroInviteForm, InvitationSignupForm, ProfileForm, StaffInviteForm
from ..models import ApiToken, Invitation, User

FEED_ACTIONS = ("feed_create", "feed_regenerate", "feed_revoke")


@login_required
def home(request):
    """What each of the person's roles lets them do now."""
    roles = request.roles
    context = {"role_names": roles.names}
    if roles.is_coordinator:
        context["municipalities"] = selectors.coordinator_overview(roles, timezone.now())
    if roles.is_staff:
        context["staff_schools"] = selectors.staff_overview(roles, timezone.localdate())
    if roles.is_hero:
        context["hero"] = selectors.hero_profile(request.user)
        context["hero_offer_count"] = scheduler_selectors.pending_offer_count(request.user)
    if roles.is_parent:
        context["family"] = selectors.parent_overview(request.user)
    return render(request, "accounts/home.html", context)


@login_required
def mfa_required(request):
    return render(
        request,
        "accounts/mfa_required.html",
        {"needs_mfa": request.roles.needs_mfa, "has_mfa": request.roles.has_mfa},
    )


@login_required
def account_settings(request):
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "token_create":
        # A refusal (not staff or a coordinator) is a 403 page: core.middleware.
        _token, key = services.api_token_issue(
            user=request.user, roles=request.roles, now=timezone.now()
        )
        return _render_settings(request, ProfileForm(instance=request.user), new_token=key)
    if action == "token_revoke":
        services.api_token_revoke(user=request.user)
        messages.success(request, _("Your API token no longer works."))
        return redirect("account_settings")
    if action in FEED_ACTIONS:
        return _feed_action(request, action)
    if action == "parent_messages":
        campaigns.message_preference_set(
            user_pk=request.user.pk,
            messages_off=not request.POST.get("messages_on"),
            digest=bool(request.POST.get("digest")),
        )
        messages.success(request, _("Your choices about messages are saved."))
        return redirect(reverse("account_settings") + "#parent-messages")
    reminder_form = _reminder_form(request, request.POST if action == "reminders" else None)
    if action == "reminders" and reminder_form.is_valid():
        reminders.reminder_preferences_update(
            user=request.user,
            offered=[kind for kind, _label in reminder_form.fields["enabled"].choices],
            enabled=reminder_form.cleaned_data["enabled"],
        )
        messages.success(request, _("Your reminder choices are saved."))
        return redirect(reverse("account_settings") + "#reminders")
    form = ProfileForm(request.POST if action == "profile" else None, instance=request.user)
    if action == "profile" and form.is_valid():
        form.save()
        return _switch_language(request, form.cleaned_data["language"])
    return _render_settings(request, form, reminder_form=reminder_form)


def _feed_action(request, action: str):
    user = request.user
    if action == "feed_create":
        feeds.feed_token_get_or_create(user)
        messages.success(request, _("Your calendar address is ready."))
    elif action == "feed_regenerate":
        feeds.feed_token_regenerate(user)
        messages.success(
            request,
            _("You have a new calendar address. The old one no longer works: add the new one."),
        )
    else:
        feeds.feed_token_revoke(user)
        messages.success(request, _("Your calendar address no longer works."))
    return redirect(reverse("account_settings") + "#calendar")


def _reminder_form(request, data=None) -> ReminderPreferenceForm:
    return ReminderPreferenceForm(
        data,
        kinds=reminders.reminder_kinds_for(request.roles.names),
        disabled=reminders.reminder_disabled_kinds(request.user),
        prefix="reminders",
    )


def _render_settings(request, form, new_token: str = "", reminder_form=None):
    token = ApiToken.objects.filter(user=request.user).first()
    feed_token = feeds.feed_token_active(request.user)
    feed_url = feeds.feed_url(feed_token) if feed_token else ""
    return render(
        request,
        "accounts/settings.html",
        {
            "form": form,
            "token": token,
            "new_token": new_token,
            "reminder_form": reminder_form or _reminder_form(request),
            "feed_token": feed_token,
            "feed_url": feed_url,
            "message_preference": campaigns.message_preference_of(request.user),
            "webcal_url": feed_url.replace("https://", "webcal://", 1).replace(
                "http://", "webcal://", 1
            ),
        },
    )


def _switch_language(request, language: str):
    """Show the next page, and the confirmation, in the language just chosen."""
    translation.activate(language)
    messages.success(request, _("Your settings are saved."))
    response = redirect("account_settings")
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response


@coordinator_required
def invitation_list(request):
    roles = request.roles
    staff_form = StaffInviteForm(roles=roles, prefix="staff")
    hero_form = HeroInviteForm(roles=roles, prefix="hero")
    if request.method == "POST":
        if request.POST.get("kind") == "hero":
            hero_form = HeroInviteForm(request.POST, roles=roles, prefix="hero")
            form, role = hero_form, Invitation.Role.HERO
        else:
            staff_form = StaffInviteForm(request.POST, roles=roles, prefix="staff")
            form, role = staff_form, Invitation.Role.STAFF
        key = once.posted_key(request, form)
        if (first := once.earlier(request, key)) is not None:
            resubmitted(request, first)
            return redirect("invitation_list")
        if created := _invite(request, form, role):
            once.remember(request, key, created)
            messages.success(request, _invited(created))
            return redirect("invitation_list")
    now = timezone.now()
    page = paginate(request, selectors.invitations_visible_to(roles))
    for invitation in page:
        invitation.status = selectors.invitation_status(invitation, now)
    return render(
        request,
        "accounts/invitation_list.html",
        {"page": page, "staff_form": staff_form, "hero_form": hero_form},
    )


def _invited(invitation: Invitation) -> str:
    if invitation.resent:
        return _(
            "%(email)s already had an open invitation. It was sent again: the same link, valid "
            "for another %(days)s days."
        ) % {"email": invitation.email, "days": Invitation.VALID_FOR.days}
    return _("The invitation is on its way to %s.") % invitation.email


def _invite(request, form, role: str) -> Invitation | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    school = data.get("school")
    try:
        return services.invitation_create(
            invited_by=request.user,
            municipality=school.neighbourhood.municipality if school else data["municipality"],
            role=role,
            email=data["email"],
            school=school,
            staff_role=data.get("staff_role", ""),
            display_name=data.get("display_name", ""),
            now=timezone.now(),
            submission_key=form.submission_key_of(request.user),
        )
    except services.InvitationError as error:
        form.add_error(None, str(error))
        return None


@require_POST
@coordinator_required
def invitation_resend(request, pk: int):
    invitation = selectors.get_invitation_for_coordinator(request.roles, pk)
    act(
        request,
        lambda: services.invitation_resend(invitation=invitation, now=timezone.now()),
        _("The invitation was sent again to %s.") % invitation.email,
    )
    return redirect("invitation_list")


@require_POST
@coordinator_required
def invitation_revoke(request, pk: int):
    invitation = selectors.get_invitation_for_coordinator(request.roles, pk)
    act(
        request,
        lambda: services.invitation_revoke(invitation=invitation, now=timezone.now()),
        _("The invitation for %s is withdrawn.") % invitation.email,
    )
    return redirect("invitation_list")


def invitation_accept(request, token: str):
    """The page the invitation email links to; the token is the proof of the address."""
    invitation = selectors.get_invitation_by_token(token)
    user = request.user
    context = {"invitation": invitation}
    if user.is_authenticated and invitation.accepted_by_id == user.pk:
        return render(request, "accounts/invitation_done.html", context)
    status = selectors.invitation_status(invitation, timezone.now())
    if status != "open":
        context["status"] = status
        return render(request, "accounts/invitation_closed.html", context, status=410)
    if not user.is_authenticated:
        return _accept_as_newcomer(request, invitation)
    if user.email.lower() != invitation.email.lower():
        return render(request, "accounts/invitation_wrong_account.html", context, status=403)
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=user, now=timezone.now())
        except services.InvitationError as error:
            messages.error(request, str(error))
            return redirect("invitation_accept", token=token)
        messages.success(request, _("Welcome! Your new role is ready."))
        return redirect("home")
    return render(request, "accounts/invitation_accept.html", context)


def _accept_as_newcomer(request, invitation: Invitation):
    context = {"invitation": invitation}
    if User.objects.filter(email__iexact=invitation.email).exists():
        context["login_url"] = (
            f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
        )
        return render(request, "accounts/invitation_login_first.html", context)
    # A new municipality's coordinator was invited by name (accounts.services.municipality_start).
    named = invitation.display_name if invitation.role == Invitation.Role.COORDINATOR else ""
    form = InvitationSignupForm(
        request.POST or None, email=invitation.email, initial={"name": named}
    )
    if request.method == "POST" and form.is_valid():
        user = services.invitation_signup(
            invitation=invitation,
            name=form.cleaned_data["name"],
            password=form.cleaned_data["password1"],
            language=form.cleaned_data["language"],
            now=timezone.now(),
        )
        login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
        translation.activate(user.language)  # the welcome in the language just chosen
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("home")
    context["form"] = form
    return render(request, "accounts/invitation_signup.html", context)
