"""The migration that ends the tokens of people who may no longer hold one."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import api_token_create
from tests import factories

pytestmark = pytest.mark.django_db

migration = importlib.import_module("accounts.migrations.0006_api_tokens_only_for_staff")


def test_parents_and_heroes_lose_their_token_staff_coordinators_and_admins_keep_it(
    municipality, school
):
    keep = [
        factories.staff(school),
        factories.coordinator(municipality),
        factories.UserFactory(is_staff=True),
    ]
    end = [factories.parent(), factories.HeroFactory(municipality=municipality).user]
    for user in keep + end:
        api_token_create(user=user, now=timezone.now())

    migration.end_other_tokens(apps, None)

    assert set(ApiToken.objects.values_list("user", flat=True)) == {user.pk for user in keep}
