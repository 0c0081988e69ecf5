"""Demo applications: a few candidates spread over the demo jobs' pipelines, one hired, one rejected."""

from hireloop.applications import services
from hireloop.applications.models import Application, RejectionReason
from hireloop.candidates.models import Candidate
from hireloop.jobs.models import Job, Stage

PEOPLE = [
    ("Amara", "Nwosu", "amara.nwosu@example.com", "Berlin", "Germany"),
    ("Jonas", "Becker", "jonas.becker@example.com", "Munich", "Germany"),
    ("Lucía", "Fernández", "lucia.fernandez@example.com", "Madrid", "Spain"),
    ("Kenji", "Watanabe", "kenji.watanabe@example.com", "Lisbon", "Portugal"),
    ("Sofia", "Rossi", "sofia.rossi@example.com", "Milan", "Italy"),
    ("Omar", "Haddad", "omar.haddad@example.com", "Lyon", "France"),
]
# (person index, job title, stages to advance, final action)
PLAN = [
    (0, "Senior Robotics Software Engineer", 2, None),
    (1, "Senior Robotics Software Engineer", 1, "reject"),
    (2, "Senior Robotics Software Engineer", 0, None),
    (3, "Product Designer", 3, None),
    (4, "Product Designer", 0, "hire"),
    (5, "Product Designer", 1, None),
]


def _candidate(company, first, last, email, city, country) -> Candidate:
    """The demo candidate with this email, created through the candidates app once (it deduplicates by email)."""
    from hireloop.candidates.services import create_candidate

    data = {"first_name": first, "last_name": last, "email": email, "city": city, "country": country}
    return create_candidate(company=company, actor=None, data=data, origin="Career site")[0]


def load(*, company, admin) -> None:
    """Apply demo candidates to the demo jobs once (idempotent)."""
    reason = RejectionReason.objects.filter(company=None, name="Lacks required experience").first()
    for person, title, steps, action in PLAN:
        job = Job.objects.filter(company=company, title=title).first()
        if job is None:
            continue
        candidate = _candidate(company, *PEOPLE[person])
        if Application.objects.filter(company=company, candidate=candidate, job=job).exists():
            continue
        application = services.create_application(
            company=company, candidate=candidate, job=job, actor=admin, source="demo", notify=False
        )
        stages = list(Stage.objects.filter(workflow_id=job.workflow_id).order_by("position", "pk"))
        if steps:
            services.move_application(company=company, actor=admin, application=application, stage=stages[steps])
        if action == "hire":
            services.hire_application(company=company, actor=admin, application=application)
        elif action == "reject":
            services.reject_application(
                company=company,
                actor=admin,
                application=application,
                reason_id=reason.pk if reason else None,
                suppress_notification=True,
            )
