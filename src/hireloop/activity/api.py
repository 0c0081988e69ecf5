from ninja import Query, Router

from hireloop.activity import schemas, selectors
from hireloop.core.pagination import paged, paginate

router = Router(tags=["audit-log"])


@router.get("/audit-log", response=paged("events", schemas.EventOut))
def audit_log(request, query: Query[schemas.AuditLogQuery]):
    """Every recorded event of the company (admins only), newest first."""
    ctx = request.auth
    ctx.require("view_audit_log")
    events = selectors.company_events(
        company=ctx.company,
        kind=query.kind,
        actor_id=query.actor_id,
        subject_type=query.subject_type,
        subject_id=query.subject_id,
        created_after=query.created_after,
        created_before=query.created_before,
    )
    return paginate(events, key="events", page=query.page, size=query.size)
