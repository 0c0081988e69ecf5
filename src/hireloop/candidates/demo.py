"""Demo candidates for `hireloop demo` (idempotent: emails already there are deduplicated)."""

from hireloop.candidates import services
from hireloop.candidates.models import Question

PEOPLE = [
    (
        "Amara",
        "Okonkwo",
        "amara.okonkwo@example.com",
        "+1 415 555 0132",
        "San Francisco",
        "CA",
        "US",
        ["senior", "python"],
    ),
    ("Lukas", "Schneider", "lukas.schneider@example.com", "+49 30 901820", "Berlin", "", "DE", ["robotics"]),
    ("Priya", "Raman", "priya.raman@example.com", "+91 80 2345 6789", "Bengaluru", "", "IN", ["ml", "remote"]),
    ("Sofia", "García", "sofia.garcia@example.com", "+34 91 123 4567", "Madrid", "", "ES", ["design"]),
    ("Kenji", "Watanabe", "kenji.watanabe@example.com", "+81 3 1234 5678", "Tokyo", "", "JP", ["embedded", "senior"]),
    ("Chloe", "Martin", "chloe.martin@example.com", "", "Montréal", "QC", "CA", ["remote"]),
]

QUESTIONS = [
    ("Current job title", "text", []),
    ("Years of experience", "number", []),
    ("Work arrangement", "select", ["On-site", "Hybrid", "Remote"]),
]


def load(*, company, admin) -> None:
    services.ensure_origins(company=company)
    services.default_form(company=company)
    for text, kind, options in QUESTIONS:
        if not Question.objects.filter(company=company, text=text).exists():
            services.create_question(company=company, actor=admin, text=text, type=kind, options=options)
    for n, (first, last, email, phone, city, state, country, tags) in enumerate(PEOPLE):
        candidate, _ = services.create_candidate(
            company=company,
            actor=admin,
            data={
                "first_name": first,
                "last_name": last,
                "email": email,
                "phone": phone,
                "city": city,
                "state": state,
                "country": country,
            },
            profile={
                "Current job title": ["Software Engineer", "Robotics Engineer", "ML Engineer"][n % 3],
                "Years of experience": str(3 + n * 2),
                "Work arrangement": ["On-site", "Hybrid", "Remote"][n % 3],
            },
            origin="Import",
        )
        services.add_tags(company=company, actor=admin, candidate=candidate, tags=tags)
