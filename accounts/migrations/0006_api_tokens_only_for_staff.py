"""API tokens are for school staff, coordinators and site admins (core.roles.Roles
.may_hold_api_token): a token a parent or hero made before that rule stops working now."""

from django.db import migrations


def end_other_tokens(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    StaffMembership = apps.get_model("schools", "StaffMembership")
    CoordinatorMembership = apps.get_model("schools", "CoordinatorMembership")
    allowed = (
        set(StaffMembership.objects.values_list("user_id", flat=True))
        | set(CoordinatorMembership.objects.values_list("user_id", flat=True))
        | set(ApiToken.objects.filter(user__is_staff=True).values_list("user_id", flat=True))
    )
    ApiToken.objects.exclude(user_id__in=allowed).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_api_tokens_exports_retention"),
        ("schools", "0001_initial"),
    ]

    operations = [migrations.RunPython(end_other_tokens, migrations.RunPython.noop)]
