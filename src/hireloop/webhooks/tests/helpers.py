"""Rows and events for webhook tests, made through the models and activity.record()."""

import json

from django.db import transaction

from hireloop.activity.services import record
from hireloop.candidates.models import Candidate
from hireloop.core.aliases import new_alias
from hireloop.jobs.models import Job, Workflow
from hireloop.webhooks import services
from hireloop.webhooks.models import Webhook


def make_job(company, title: str = "Engineer") -> Job:
    workflow = Workflow.objects.create(company=company, name="Default")
    return Job.objects.create(company=company, alias=new_alias(), title=title, workflow=workflow)


def make_candidate(company, first_name: str = "Ada") -> Candidate:
    return Candidate.objects.create(company=company, alias=new_alias(), first_name=first_name, last_name="Lovelace")


def subscribe(tenant, url: str, **fields) -> Webhook:
    return services.create_webhook(company=tenant.company, actor=tenant.user, url=url, **fields)


def record_event(kind: str, company, subject, **fields):
    """Record an event in its own committed transaction, as a service would."""
    with transaction.atomic():
        return record(kind=kind, company=company, subject=subject, **fields)


def bodies(receiver) -> list[dict]:
    return [json.loads(r.body) for r in receiver.requests]
