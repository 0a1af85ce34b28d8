"""EQA grants expire. Grants made before expiry existed run for a year from this migration,
so nobody loses access on the day of the upgrade; the admin can shorten them."""

import datetime

from django.db import migrations, models
from django.utils import timezone


def give_existing_grants_a_year(apps, schema_editor) -> None:  # noqa: ANN001 - migration hook
    EqaGrant = apps.get_model("centres", "EqaGrant")
    EqaGrant.objects.filter(expires_on__isnull=True).update(
        expires_on=timezone.localdate() + datetime.timedelta(days=365)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("centres", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="eqagrant",
            name="expires_on",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(give_existing_grants_a_year, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="eqagrant",
            name="expires_on",
            field=models.DateField(help_text="The last day the grant gives access."),
        ),
    ]
