"""Webhook subscriptions (per company and per job), the event catalogue, delivery log and replay."""

import json

from ninja import Query, Router

from hireloop.accounts.authentication import AuthContext
from hireloop.core.errors import NotFound
from hireloop.core.pagination import paged, paginate
from hireloop.webhooks import catalogue, schemas, selectors, services
from hireloop.webhooks.models import Delivery, Webhook

router = Router(tags=["webhooks"])
PERMISSION = "manage_webhooks"


def webhook_out(webhook: Webhook) -> dict:
    return {
        "id": webhook.pk,
        "company_id": webhook.company_id,
        "job_id": webhook.job_id,
        "url": webhook.url,
        "description": webhook.description,
        "events": webhook.events,
        "headers": webhook.headers,
        "is_active": webhook.is_active,
        "consecutive_failures": webhook.consecutive_failures,
        "disabled_at": webhook.disabled_at,
        "disabled_reason": webhook.disabled_reason,
        "previous_secret_expires_at": webhook.previous_secret_expires_at if webhook.previous_secret_encrypted else None,
        "created_at": webhook.created_at,
        "updated_at": webhook.updated_at,
    }


def created_out(webhook: Webhook) -> dict:
    return {**webhook_out(webhook), "secret": webhook.secret}


def delivery_out(delivery: Delivery, *, detail: bool = False) -> dict:
    data = {
        "id": delivery.pk,
        "webhook_id": delivery.webhook_id,
        "event_id": delivery.event.public_id,
        "event_type": delivery.event.type,
        "status": delivery.status,
        "attempt_count": delivery.attempt_count,
        "last_status_code": delivery.last_status_code,
        "next_attempt_at": delivery.next_attempt_at,
        "delivered_at": delivery.delivered_at,
        "redelivery_of_id": delivery.redelivery_of_id,
        "created_at": delivery.created_at,
        "attempts": [
            {
                "number": a.number,
                "requested_at": a.requested_at,
                "status_code": a.status_code,
                "latency_ms": a.latency_ms,
                "response_body": a.response_body,
                "error": a.error,
                "success": a.is_success,
            }
            for a in delivery.attempts.all()
        ],
    }
    if detail:
        data["payload"] = json.loads(delivery.event.body)
    return data


def _ctx(request) -> AuthContext:
    ctx: AuthContext = request.auth
    ctx.require(PERMISSION)
    return ctx


def _own_company(ctx: AuthContext, company_id: int):
    if ctx.company.pk != company_id:
        raise NotFound("Company not found")
    return ctx.company


def _create(ctx: AuthContext, payload: schemas.WebhookIn, job=None) -> Webhook:
    return services.create_webhook(
        company=ctx.company,
        actor=ctx.user,
        url=payload.url,
        job=job,
        events=payload.events,
        description=payload.description,
        headers=payload.headers,
        is_active=payload.is_active,
    )


# --- all of the company's subscriptions ---------------------------------------------------------


@router.get("/webhooks", response=paged("webhooks", schemas.WebhookOut))
def list_webhooks(request, query: Query[schemas.ListQuery]):
    """Every subscription of the company, company-wide and per job."""
    ctx = _ctx(request)
    page = paginate(selectors.company_webhooks(company=ctx.company), key="webhooks", page=query.page, size=query.size)
    page["webhooks"] = [webhook_out(w) for w in page["webhooks"]]
    return page


@router.post("/webhooks", response={201: schemas.WebhookCreatedOut})
def create_webhook(request, payload: schemas.WebhookIn):
    """Subscribe a URL to the company's events; the signing secret is returned only here."""
    return 201, created_out(_create(_ctx(request), payload))


@router.get("/webhooks/events", response=schemas.EventCatalogueOut, by_alias=True)
def event_catalogue(request):
    """The published events: name, description, version and the JSON Schema of the request body."""
    request.auth.require_company()
    return {
        "version": catalogue.ENVELOPE_VERSION,
        "events": [
            {"name": e.name, "description": e.description, "version": e.version, "schema": catalogue.payload_schema(e)}
            for e in catalogue.EVENT_TYPES
        ],
    }


@router.post("/webhooks/test", response=schemas.TestOut)
def test_webhook(request, payload: schemas.TestIn):
    """Send a signed test event to a URL now and return the receiver's answer (nothing is stored)."""
    ctx = _ctx(request)
    return services.send_test(company=ctx.company, url=payload.url, event_type=payload.event, secret=payload.secret)


@router.get("/webhooks/{int:id}", response=schemas.WebhookOut)
def get_webhook(request, id: int):
    ctx = _ctx(request)
    return webhook_out(selectors.get_webhook(company=ctx.company, webhook_id=id))


@router.put("/webhooks/{int:id}", response=schemas.WebhookOut)
def update_webhook(request, id: int, payload: schemas.WebhookUpdateIn):
    """Change the supplied fields; turning a disabled webhook on resets its failure count."""
    ctx = _ctx(request)
    webhook = selectors.get_webhook(company=ctx.company, webhook_id=id)
    changes = payload.dict(exclude_unset=True)
    webhook = services.update_webhook(company=ctx.company, actor=ctx.user, webhook=webhook, changes=changes)
    return webhook_out(webhook)


@router.delete("/webhooks/{int:id}", response={204: None})
def delete_webhook(request, id: int):
    ctx = _ctx(request)
    webhook = selectors.get_webhook(company=ctx.company, webhook_id=id)
    services.delete_webhook(company=ctx.company, actor=ctx.user, webhook=webhook)
    return 204, None


@router.post("/webhooks/{int:id}/ping", response=schemas.PingOut)
def ping_webhook(request, id: int):
    """Send a signed `ping` event now and return the receiver's answer (also in the delivery log)."""
    ctx = _ctx(request)
    webhook = selectors.get_webhook(company=ctx.company, webhook_id=id)
    delivery = services.ping(company=ctx.company, actor=ctx.user, webhook=webhook)
    attempt = delivery.attempts.order_by("-number").first()
    return {
        "delivery_id": delivery.pk,
        "event_id": delivery.event.public_id,
        "success": attempt.is_success,
        "status_code": attempt.status_code,
        "latency_ms": attempt.latency_ms,
        "response_body": attempt.response_body,
        "error": attempt.error,
    }


@router.post("/webhooks/{int:id}/rotate-secret", response=schemas.SecretOut)
def rotate_secret(request, id: int):
    """A new signing secret; the previous one keeps signing alongside it for 24 hours."""
    ctx = _ctx(request)
    webhook = selectors.get_webhook(company=ctx.company, webhook_id=id)
    webhook = services.rotate_secret(company=ctx.company, actor=ctx.user, webhook=webhook)
    return {
        "id": webhook.pk,
        "secret": webhook.secret,
        "previous_secret_expires_at": webhook.previous_secret_expires_at,
    }


@router.get("/webhooks/{int:id}/deliveries", response=paged("deliveries", schemas.DeliveryOut))
def list_deliveries(request, id: int, query: Query[schemas.DeliveriesQuery]):
    """The subscription's delivery log (kept 30 days), newest first, with every attempt."""
    ctx = _ctx(request)
    webhook = selectors.get_webhook(company=ctx.company, webhook_id=id)
    queryset = selectors.webhook_deliveries(webhook=webhook, status=query.status)
    page = paginate(queryset, key="deliveries", page=query.page, size=query.size)
    page["deliveries"] = [delivery_out(d) for d in page["deliveries"]]
    return page


@router.get("/deliveries/{int:id}", response=schemas.DeliveryDetailOut)
def get_delivery(request, id: int):
    """One delivery with its attempts and the exact payload sent."""
    ctx = _ctx(request)
    return delivery_out(selectors.get_delivery(company=ctx.company, delivery_id=id), detail=True)


@router.post("/deliveries/{int:id}/redeliver", response={202: schemas.DeliveryOut})
def redeliver(request, id: int):
    """Send the same event (same id) again as a new delivery."""
    ctx = _ctx(request)
    delivery = selectors.get_delivery(company=ctx.company, delivery_id=id)
    copy = services.redeliver(company=ctx.company, actor=ctx.user, delivery=delivery)
    return 202, delivery_out(selectors.get_delivery(company=ctx.company, delivery_id=copy.pk))


# --- map §6: company-scoped and job-scoped subscriptions ----------------------------------------


@router.get("/companies/{int:id}/webhooks", response=paged("webhooks", schemas.WebhookOut))
def list_company_webhooks(request, id: int, query: Query[schemas.ListQuery]):
    """The company-wide subscriptions (not those of one job)."""
    ctx = _ctx(request)
    company = _own_company(ctx, id)
    queryset = selectors.company_webhooks(company=company, company_level=True)
    page = paginate(queryset, key="webhooks", page=query.page, size=query.size)
    page["webhooks"] = [webhook_out(w) for w in page["webhooks"]]
    return page


@router.post("/companies/{int:id}/webhooks", response={201: schemas.WebhookCreatedOut})
def create_company_webhook(request, id: int, payload: schemas.WebhookIn):
    ctx = _ctx(request)
    _own_company(ctx, id)
    return 201, created_out(_create(ctx, payload))


@router.delete("/companies/{int:id}/webhooks/{int:webhook_id}", response={204: None})
def delete_company_webhook(request, id: int, webhook_id: int):
    ctx = _ctx(request)
    company = _own_company(ctx, id)
    webhook = selectors.get_webhook(company=company, webhook_id=webhook_id, company_level=True)
    services.delete_webhook(company=company, actor=ctx.user, webhook=webhook)
    return 204, None


@router.get("/jobs/{id}/webhooks", response=paged("webhooks", schemas.WebhookOut))
def list_job_webhooks(request, id: str, query: Query[schemas.ListQuery]):
    """The subscriptions of one job (id or alias)."""
    ctx = _ctx(request)
    job = selectors.get_job(company=ctx.company, value=id)
    page = paginate(
        selectors.company_webhooks(company=ctx.company, job=job), key="webhooks", page=query.page, size=query.size
    )
    page["webhooks"] = [webhook_out(w) for w in page["webhooks"]]
    return page


@router.post("/jobs/{id}/webhooks", response={201: schemas.WebhookCreatedOut})
def create_job_webhook(request, id: str, payload: schemas.WebhookIn):
    """Subscribe a URL to the events of one job (those recorded with its job id)."""
    ctx = _ctx(request)
    job = selectors.get_job(company=ctx.company, value=id)
    return 201, created_out(_create(ctx, payload, job=job))


@router.delete("/jobs/{id}/webhooks/{int:webhook_id}", response={204: None})
def delete_job_webhook(request, id: str, webhook_id: int):
    ctx = _ctx(request)
    job = selectors.get_job(company=ctx.company, value=id)
    webhook = selectors.get_webhook(company=ctx.company, webhook_id=webhook_id, job=job)
    services.delete_webhook(company=ctx.company, actor=ctx.user, webhook=webhook)
    return 204, None
