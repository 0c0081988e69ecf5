"""Demo notes: a shared note mentioning a colleague and a private one, on the first demo candidates."""

from hireloop.accounts.models import Membership, Role
from hireloop.candidates.models import Candidate
from hireloop.notes import services
from hireloop.notes.models import Note


def load(*, company, admin) -> None:
    """Idempotent: does nothing when the company has notes already."""
    if Note.objects.filter(company=company).exists():
        return
    candidate = Candidate.objects.filter(company=company).order_by("pk").first()
    if candidate is None:
        return
    recruiter = (
        Membership.objects.filter(company=company, role=Role.RECRUITER, is_active=True).select_related("user").first()
    )
    services.create_note(
        company=company,
        actor=admin,
        actor_role=Role.ADMIN,
        candidate=candidate,
        body="<p>Strong systems background; <b>available from next month</b>. Worth a technical interview.</p>",
        mention_user_ids=[recruiter.user_id] if recruiter else [],
    )
    services.create_note(
        company=company,
        actor=admin,
        actor_role=Role.ADMIN,
        candidate=candidate,
        body="<p>Salary expectation above the band: discuss with finance before an offer.</p>",
        visibility="private",
    )
