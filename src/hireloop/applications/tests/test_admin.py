"""The back office lists jobs, workflows and applications."""

from django.test import Client

from hireloop.jobs.tests.helpers import make_application


def test_back_office_pages_render(tenant, admin_user):
    application = make_application(tenant)
    client = Client()
    client.force_login(admin_user)
    for url in (
        "/admin/jobs/job/",
        f"/admin/jobs/workflow/{application.job.workflow_id}/change/",
        "/admin/applications/application/",
        f"/admin/applications/application/{application.pk}/change/",
        "/admin/applications/rejectionreason/",
    ):
        assert client.get(url).status_code == 200, url
