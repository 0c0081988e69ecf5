"""The PDF reference report of a candidate (fpdf2: pure Python, no system libraries)."""

from datetime import datetime

from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from hireloop.references import selectors
from hireloop.references.models import ReferenceStatus

RELATIONSHIPS = {
    "manager": "Manager",
    "peer": "Peer",
    "direct_report": "Direct report",
    "client": "Client",
    "other": "Other",
}


def _latin1(text: str) -> str:
    # The core PDF fonts cover Latin-1; anything else is replaced rather than failing the report.
    replacements = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
    for old, new in replacements.items():
        text = text.replace(old, new)
    return text.encode("latin-1", "replace").decode("latin-1")


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


class _Report(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(120)
        self.cell(0, 8, f"Page {self.page_no()}/{{nb}}", align="C")


def reference_report(*, company, candidate) -> bytes:
    """Candidate, each referee with relationship and answers, per-category scores, risk flags, timestamps."""
    references = list(selectors.references(company=company, candidate=candidate).order_by("created_at", "pk"))
    score = selectors.candidate_score(company=company, candidate=candidate)

    pdf = _Report(format="A4")
    pdf.set_title(_latin1(f"Reference report - {candidate.full_name}"))
    pdf.set_author(_latin1(company.name))
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()

    def line(text: str, *, size: int = 10, style: str = "", height: float = 5.5, color: int = 0) -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.set_text_color(color)
        pdf.multi_cell(0, height, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line("Reference report", size=18, style="B", height=9)
    line(
        f"{candidate.full_name}  ({candidate.email or 'no email'}{', ' + candidate.phone if candidate.phone else ''})",
        size=12,
        height=7,
    )
    line(f"{company.name} - generated {_when(timezone.now())}", size=9, color=90)
    pdf.ln(3)

    line("Scores", size=13, style="B", height=7)
    if score.score is None:
        line("No scale answers yet.")
    else:
        line(
            f"Overall reference score: {score.score}/100 from {score.answers_count} answers "
            f"of {score.references_count} references."
        )
        for category in score.categories:
            line(
                f"  {category.category}: {category.score}/100 ({category.answers_count} answers, "
                f"{category.references_count} references)"
            )
    flagged = sum(1 for r in references if r.risk_flags)
    completed = sum(1 for r in references if r.status == ReferenceStatus.COMPLETED)
    line(f"References: {len(references)} in all, {completed} completed, {flagged} with risk flags.")
    pdf.ln(3)

    for number, reference in enumerate(references, start=1):
        relationship = RELATIONSHIPS.get(reference.relationship, reference.relationship)
        line(f"{number}. {reference.full_name} - {relationship}", size=13, style="B", height=7)
        role = ", ".join(p for p in (reference.title, reference.company_name) if p)
        if role:
            line(role)
        line(f"{reference.email}{'  ' + reference.phone if reference.phone else ''}", color=60)
        line(
            f"Status: {reference.status}. Invited {_when(reference.sent_at)}; started {_when(reference.started_at)}; "
            f"completed {_when(reference.completed_at)}; verified {_when(reference.verified_at)}.",
            size=9,
            color=60,
        )
        meta = reference.metadata or {}
        if meta:
            line(
                f"Submitted from {meta.get('ip') or '-'} with {meta.get('browser') or '-'} "
                f"{meta.get('browser_version') or ''} on {meta.get('os') or '-'} {meta.get('os_version') or ''}.",
                size=9,
                color=60,
            )
        ref_score = selectors.reference_score(reference)
        if ref_score is not None:
            line(f"Score: {ref_score}/100", style="B")
        if reference.risk_flags:
            line("Risk flags:", style="B", color=160)
            for flag in reference.risk_flags:
                line(f"  [{flag['code']}] {flag['evidence']}", size=9, color=160)
        else:
            line("Risk flags: none", size=9)
        if reference.status == ReferenceStatus.DECLINED:
            line(f"Declined: {reference.decline_reason or 'no reason given'}", size=9)
        for answer in reference.answers.all():
            pdf.ln(1)
            line(f"Q{answer.order}. {answer.question_text}", style="B", size=10)
            value = answer.value or "(no answer)"
            if answer.scale_max is not None and answer.value:
                value = f"{answer.value} of {answer.scale_min}-{answer.scale_max}"
            line(f"{value}{' - ' + answer.comment if answer.comment else ''}")
            if answer.original_value is not None:
                line(
                    f"Corrected by the recruiter {_when(answer.corrected_at)}; the referee answered "
                    f"{answer.original_value or '(nothing)'}.",
                    size=8,
                    color=90,
                )
        pdf.ln(4)
    return bytes(pdf.output())
