"""EQA becomes a role of its own rather than "a superuser with a grant".

Existing holders of an EQA grant who belong to no centre become ``is_eqa``. Their superuser
and staff flags are left as they are: a platform operator decides whether to remove them.
"""

from django.db import migrations, models


def mark_grant_holders(apps, schema_editor) -> None:  # noqa: ANN001 - migration hook
    User = apps.get_model("accounts", "User")
    User.objects.filter(centre__isnull=True, eqa_grants__isnull=False).update(is_eqa=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("centres", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="is_eqa",
            field=models.BooleanField(
                default=False,
                help_text="Reads the centres granted to them, changes nothing. "
                "Belongs to no centre.",
                verbose_name="external quality assurer",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(("is_eqa", False), ("centre__isnull", True), _connector="OR"),
                name="user_eqa_has_no_centre",
            ),
        ),
        migrations.RunPython(mark_grant_holders, migrations.RunPython.noop),
    ]
