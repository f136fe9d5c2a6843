"""API token authentication (`Authorization: Token <key>`) against accounts.ApiToken: the key is
looked up by its digest, and refused once expired or when the password has changed since."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db.models import CharField
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from core.prepared import Param, Prepared

from .models import ApiToken

# Writing the time of every request would cost a write per call; a minute is precise enough.
LAST_USE_PRECISION = dt.timedelta(minutes=1)


# Every API call reads its token: compiled once (core.prepared), not on each call.
_TOKEN = Prepared(
    lambda size: ApiToken.objects.select_related("user").filter(digest=Param("digest", CharField()))
)


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def password_fingerprint(user) -> str:
    """Changes whenever the password does (the stored hash is salted anew), whatever the
    SECRET_KEY: a token made before a password change or reset stops working."""
    return hashlib.sha256(user.password.encode()).hexdigest()


class ApiTokenAuthentication(TokenAuthentication):
    model = ApiToken

    def authenticate_credentials(self, key: str):
        # The digest is unique: one row or none.
        token = next(iter(_TOKEN.instances(digest=token_digest(key))), None)
        now = timezone.now()
        if (
            token is None
            or not token.user.is_active
            or token.expires_at <= now
            or not constant_time_compare(token.password_hash, password_fingerprint(token.user))
        ):
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        recently = now - LAST_USE_PRECISION
        if token.last_used_at is None or token.last_used_at <= recently:
            # Conditional, so many requests at once write it once.
            ApiToken.objects.filter(pk=token.pk).exclude(last_used_at__gt=recently).update(
                last_used_at=now
            )
        return token.user, token
