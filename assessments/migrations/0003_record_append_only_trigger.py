"""On PostgreSQL, the database itself refuses UPDATE and DELETE on the record.

SQLite has no such trigger here; there the model and queryset refuse, and
``manage.py verify_record`` detects any change made behind the application's back.
TRUNCATE is deliberately not blocked: test databases are flushed with it.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION assessments_record_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'assessments_recordentry is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS assessments_record_append_only ON assessments_recordentry;
CREATE TRIGGER assessments_record_append_only
    BEFORE UPDATE OR DELETE ON assessments_recordentry
    FOR EACH ROW EXECUTE FUNCTION assessments_record_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS assessments_record_append_only ON assessments_recordentry;
DROP FUNCTION IF EXISTS assessments_record_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_record")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
