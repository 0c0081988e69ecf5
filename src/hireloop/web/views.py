from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from hireloop.accounts.models import Company
from hireloop.applications.models import Application
from hireloop.candidates.models import Candidate
from hireloop.jobs.models import Job

# The careers page lists Public jobs only (Internal ones are for the company's own staff).
CAREERS_STATUS = "Public"


def home(request):
    """Landing page: where the API, its docs and the back office live."""
    return render(request, "web/home.html")


def _careers_company(slug: str) -> Company:
    return get_object_or_404(Company, slug=slug)


def careers(request, slug: str):
    """A company's careers page: its Public jobs, newest first."""
    company = _careers_company(slug)
    jobs = Job.objects.filter(company=company, status=CAREERS_STATUS).order_by("-created_at", "-pk")
    return render(request, "web/careers.html", {"company": company, "jobs": jobs})


def careers_job(request, slug: str, alias: str):
    """One Public job (the `url` of the job in the API). Its description was sanitised when stored."""
    company = _careers_company(slug)
    jobs = Job.objects.filter(company=company, alias=alias, status=CAREERS_STATUS)
    job = jobs.select_related("department", "employment_type").first()
    if job is None:
        raise Http404("No such open job")
    return render(request, "web/careers_job.html", {"company": company, "job": job})


# `url_backoffice` links of the API open the record in the back office (staff only).


@staff_member_required
def backoffice_candidate(request, alias: str):
    candidate = get_object_or_404(Candidate, alias=alias)
    return redirect(reverse("admin:candidates_candidate_change", args=[candidate.pk]))


@staff_member_required
def backoffice_pipeline(request, alias: str):
    job = get_object_or_404(Job, alias=alias)
    return redirect(reverse("admin:applications_application_changelist") + f"?job__id__exact={job.pk}")


@staff_member_required
def backoffice_application(request, job_alias: str, candidate_alias: str):
    application = get_object_or_404(Application, job__alias=job_alias, candidate__alias=candidate_alias)
    return redirect(reverse("admin:applications_application_change", args=[application.pk]))
