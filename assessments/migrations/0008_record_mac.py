"""Entries get a MAC (assessments.signing). Rows written before this keep blank columns and
are reported by ``verify_record`` as unsigned, written before signing began. Adding a column
with a default is not a row UPDATE, so the append-only trigger of 0003 does not fire."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0007_record_plan_actions"),
    ]

    operations = [
        migrations.AddField(
            model_name="recordentry",
            name="mac",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="recordentry",
            name="mac_key_id",
            field=models.CharField(blank=True, max_length=40),
        ),
    ]
