"""Reading subscriptions and their delivery log, always within one company."""

from django.db.models import QuerySet

from hireloop.core.aliases import get_by_id_or_alias
from hireloop.core.errors import NotFound
from hireloop.webhooks.models import Delivery, Webhook


def company_webhooks(*, company, job=None, company_level: bool = False) -> QuerySet[Webhook]:
    """The company's subscriptions (of one job, or only the company-wide ones), oldest first."""
    queryset = Webhook.objects.filter(company=company)
    if job is not None:
        queryset = queryset.filter(job=job)
    elif company_level:
        queryset = queryset.filter(job__isnull=True)
    return queryset.order_by("pk")


def get_webhook(*, company, webhook_id: int, job=None, company_level: bool = False) -> Webhook:
    webhook = company_webhooks(company=company, job=job, company_level=company_level).filter(pk=webhook_id).first()
    if webhook is None:
        raise NotFound("Webhook not found")
    return webhook


def get_job(*, company, value):
    """A job of the company by id or alias (404 otherwise)."""
    from hireloop.jobs.models import Job

    return get_by_id_or_alias(Job.objects.filter(company=company).only("pk", "alias", "company"), value, label="Job")


def webhook_deliveries(*, webhook: Webhook, status: str | None = None) -> QuerySet[Delivery]:
    """A subscription's deliveries, newest first, with their event (attempts are fetched in one more query)."""
    queryset = Delivery.objects.filter(webhook=webhook).select_related("event").prefetch_related("attempts")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-pk")


def get_delivery(*, company, delivery_id: int) -> Delivery:
    delivery = (
        Delivery.objects.filter(pk=delivery_id, webhook__company=company)
        .select_related("event", "webhook")
        .prefetch_related("attempts")
        .first()
    )
    if delivery is None:
        raise NotFound("Delivery not found")
    return delivery
