from django.db import migrations

from hireloop.jobs import defaults

TERMS = {
    "Department": defaults.DEPARTMENTS,
    "Category": defaults.CATEGORIES,
    "EducationLevel": defaults.EDUCATION_LEVELS,
    "EmploymentType": defaults.EMPLOYMENT_TYPES,
    "ExperienceLevel": defaults.EXPERIENCE_LEVELS,
}


def create_terms(apps, schema_editor):
    for model_name, names in TERMS.items():
        model = apps.get_model("jobs", model_name)
        if not model.objects.filter(company=None).exists():
            model.objects.bulk_create([model(company=None, name=n, position=i) for i, n in enumerate(names)])


class Migration(migrations.Migration):
    dependencies = [("jobs", "0002_workflow_job_fields_and_taxonomies")]

    operations = [migrations.RunPython(create_terms, migrations.RunPython.noop)]
