"""Public careers pages and the back-office links the API hands out."""

from urllib.parse import urlsplit

from hireloop.jobs.tests.helpers import make_application, make_job


def test_careers_page_lists_public_jobs_only(client, tenant):
    public = make_job(tenant, title="Robot Whisperer", status="Public")
    make_job(tenant, title="Secret Project", status="Internal")
    make_job(tenant, title="Not Yet", status="Draft")

    page = client.get(f"/careers/{tenant.company.slug}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Robot Whisperer" in html and f"/careers/{tenant.company.slug}/jobs/{public.alias}" in html
    assert "Secret Project" not in html and "Not Yet" not in html


def test_the_job_url_of_the_api_opens_its_careers_page(api, client, tenant):
    job = make_job(tenant, title="Robot Whisperer", status="Public")
    url = api.get(f"/jobs/{job.pk}").json()["url"]

    page = client.get(urlsplit(url).path)

    assert page.status_code == 200 and "Robot Whisperer" in page.content.decode()


def test_a_job_that_is_not_public_or_of_another_company_is_404(client, tenant, other_tenant):
    draft = make_job(tenant, status="Draft")
    theirs = make_job(other_tenant, status="Public")

    assert client.get(f"/careers/{tenant.company.slug}/jobs/{draft.alias}").status_code == 404
    assert client.get(f"/careers/{tenant.company.slug}/jobs/{theirs.alias}").status_code == 404
    assert client.get("/careers/no-such-company/").status_code == 404


def test_backoffice_links_open_the_record_for_staff_and_ask_others_to_log_in(api, client, tenant):
    application = make_application(tenant)
    body = api.get(f"/applications/{application.pk}").json()
    candidate_link = api.get(f"/candidates/{application.candidate_id}").json()["url_backoffice"]
    path = urlsplit(body["url_backoffice"]).path

    assert client.get(path).status_code == 302
    assert "/admin/login/" in client.get(path)["Location"]

    tenant.user.is_staff = True
    tenant.user.save(update_fields=["is_staff"])
    client.force_login(tenant.user)
    assert client.get(path)["Location"] == f"/admin/applications/application/{application.pk}/change/"
    assert client.get(urlsplit(candidate_link).path)["Location"] == (
        f"/admin/candidates/candidate/{application.candidate_id}/change/"
    )
