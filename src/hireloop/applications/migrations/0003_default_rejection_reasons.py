from django.db import migrations

from hireloop.applications.defaults import REJECTION_REASONS


def create_reasons(apps, schema_editor):
    model = apps.get_model("applications", "RejectionReason")
    if not model.objects.filter(company=None).exists():
        model.objects.bulk_create([model(company=None, name=n, position=i) for i, n in enumerate(REJECTION_REASONS)])


class Migration(migrations.Migration):
    dependencies = [("applications", "0002_stage_history_attachments_reasons")]

    operations = [migrations.RunPython(create_reasons, migrations.RunPython.noop)]
