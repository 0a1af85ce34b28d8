import django.db.models.deletion
from django.db import migrations, models


def forget_unlinked(apps, schema_editor):
    """Notifications made before they named their enrolment (only during this feature's own
    development, the day it was written) cannot be linked to one: they go."""
    apps.get_model("notifications", "Notification").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0002_record"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forget_unlinked, migrations.RunPython.noop),
        migrations.AddField(
            model_name="notification",
            name="enrolment",
            field=models.ForeignKey(
                default=None,
                help_text="Whose work it is about: erasing the learner deletes it.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="assessments.enrolment",
            ),
            preserve_default=False,
        ),
    ]
