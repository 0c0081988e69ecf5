"""The demo company gets jobs with pipelines and applications spread over them, once."""

from hireloop.applications.models import Application
from hireloop.core.demo import load_demo
from hireloop.jobs.models import Job


def test_demo_loads_jobs_and_applications_idempotently(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    company = load_demo().company
    load_demo()
    jobs = Job.objects.filter(company=company)
    assert jobs.count() == 3 and jobs.filter(status="Public").count() == 2
    applications = Application.objects.filter(company=company)
    assert applications.count() == 6
    assert set(applications.values_list("status", flat=True)) == {"active", "hired", "rejected"}
    assert all(a.stage_changes.exists() for a in applications)
