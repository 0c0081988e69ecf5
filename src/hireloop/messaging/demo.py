"""Demo messaging: templates, a conversation with a reply, a scheduled email still in its cancel window, an SMS.

Delivered by the worker to the outbox (no SMTP server needed): back office → Messages / Outbox emails.
"""

from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from django.utils import timezone

from hireloop.candidates.models import Candidate
from hireloop.messaging import conf, selectors, services

TEMPLATES = [
    (
        "Interview invitation",
        "Interview at {{company_name}}",
        "<p>Hi {{first_name}},</p><p>Thank you for applying for {{job_title}}. Could you tell me when "
        "you are free for a 30-minute call next week?</p><p>Best regards,<br>{{sender_name}}</p>",
    ),
    (
        "Follow-up after interview",
        "Thank you, {{first_name}}",
        "<p>Hi {{first_name}},</p><p>Thank you for your time today. We will get back to you within a "
        "week.</p><p>{{sender_name}}, {{company_name}}</p>",
    ),
    (
        "Offer call",
        "Good news from {{company_name}}",
        "<p>Hi {{first_name}},</p><p>We would like to talk about an offer for {{job_title}}. "
        "When can we call you?</p><p>{{sender_name}}</p>",
    ),
]

DEMO_CANDIDATES = [
    ("Grace", "Hopper", "grace.hopper@example.com", "+15555550101"),
    ("Alan", "Turing", "alan.turing@example.com", "+15555550102"),
]


def _candidates(company) -> list[Candidate]:
    """The demo company's first candidates (loaded by the candidates demo), else two made here."""
    found = list(Candidate.objects.filter(company=company).exclude(email="").order_by("pk")[:2])
    from hireloop.candidates.services import create_candidate

    for first, last, email, phone in DEMO_CANDIDATES[len(found) :]:
        data = {"first_name": first, "last_name": last, "email": email, "phone": phone}
        found.append(create_candidate(company=company, actor=None, data=data, origin="Career site")[0])
    return found


def load(*, company, admin) -> None:
    """Idempotent: does nothing when the demo templates exist already."""
    if selectors.email_templates(company).filter(name=TEMPLATES[0][0]).exists():
        return
    for name, subject, body in TEMPLATES:
        services.create_email_template(company=company, actor=admin, name=name, subject=subject, body=body)
    grace, alan = _candidates(company)
    now = timezone.now()

    # A conversation: an email sent an hour ago and the candidate's reply.
    sent = services.schedule_candidate_message(
        company=company,
        actor=admin,
        candidate=grace,
        to=[grace.email],
        subject="Your application at {{company_name}}",
        body="<p>Hi {{first_name}},</p><p>Thanks for applying! Are you free for a call this week?</p>"
        "<p>{{sender_name}}</p>",
        scheduled_at=now - timedelta(hours=1),
    )
    reply = EmailMessage()
    reply["From"] = f"{grace.full_name} <{grace.email}>"
    reply["To"] = sent.from_address or "recruiting@demo.hireloop.local"
    reply["Subject"] = f"Re: {sent.subject}"
    reply["Message-ID"] = make_msgid(domain="example.com")
    reply["In-Reply-To"] = sent.message_id
    reply["References"] = sent.message_id
    reply.set_content("Hi! Thursday afternoon works for me.\n\nGrace")
    services.receive_email(raw=reply.as_bytes())

    # Written a minute ago: still in its cancel window (DELETE /messages/{id} cancels it).
    services.schedule_candidate_message(
        company=company,
        actor=admin,
        candidate=alan,
        to=[alan.email],
        subject="Next steps at {{company_name}}",
        body="<p>Hi {{first_name}},</p><p>We would like to invite you to a technical interview.</p>",
        scheduled_at=now + timedelta(seconds=conf.cancel_window_seconds()) - timedelta(minutes=1),
    )
    # A reminder for next week, and a text message.
    services.schedule_candidate_message(
        company=company,
        actor=admin,
        candidate=grace,
        to=[grace.email],
        subject="See you on Thursday",
        body="<p>Hi {{first_name}}, looking forward to our call.</p>",
        scheduled_at=now + timedelta(days=2),
    )
    if alan.phone:
        services.send_sms(
            company=company,
            to_phone=alan.phone,
            body="Hi Alan, this is Acme Robotics: we emailed you about next steps.",
            candidate=alan,
            actor=admin,
            kind="candidate_message",
        )
