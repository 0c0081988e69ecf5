"""Test data for candidates, made through the services (so contact rows and search text are real)."""

import base64
import itertools

from hireloop.candidates import services
from hireloop.candidates.models import Candidate
from hireloop.jobs.models import Job, Stage, Workflow

_counter = itertools.count(1)

# A minimal valid PDF (sniffed as application/pdf).
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def file_payload(content: bytes = PDF_BYTES, name: str = "resume.pdf", mime: str = "application/pdf") -> dict:
    return {"data": b64(content), "file_name": name, "mime_type": mime}


def make_candidate(company, *, actor=None, **fields) -> Candidate:
    n = next(_counter)
    data = {"first_name": f"Ada{n}", "last_name": "Lovelace", "email": f"ada{n}@example.com", **fields}
    profile = data.pop("profile", None)
    candidate, _ = services.create_candidate(company=company, actor=actor, data=data, profile=profile)
    return candidate


def make_job(company, *, title: str = "Backend Engineer", stages=("Applied", "Interview", "Offer")) -> Job:
    from hireloop.core.aliases import assign_alias

    workflow = Workflow.objects.create(company=company, name=f"{title} pipeline")
    for position, name in enumerate(stages):
        Stage.objects.create(company=company, workflow=workflow, name=name, position=position)
    job = Job(company=company, title=title, workflow=workflow, status="Public")
    assign_alias(job)
    job.save()
    return job
