"""Reads of reference checks, always scoped to one company: lists, scores, analytics."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate

from hireloop.candidates.models import Candidate
from hireloop.core.aliases import get_by_id_or_alias
from hireloop.core.errors import NotFound
from hireloop.references.models import (
    Answer,
    Question,
    QuestionSet,
    QuestionType,
    Reference,
    ReferenceRequest,
    ReferenceStatus,
    Relationship,
)


def get_candidate(*, company, candidate_id: str | int) -> Candidate:
    return get_by_id_or_alias(Candidate.objects.for_company(company), candidate_id, label="Candidate")


def _get(queryset: QuerySet, pk: int, label: str):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise NotFound(f"{label} not found")
    return obj


# --- question sets -----------------------------------------------------------------------------------


def question_sets(*, company, is_library: bool | None = None, language: str | None = None) -> QuerySet[QuestionSet]:
    qs = (
        QuestionSet.objects.for_company(company)
        .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("order", "pk")))
        .order_by("-is_library", "name", "pk")
    )
    if is_library is not None:
        qs = qs.filter(is_library=is_library)
    if language:
        qs = qs.filter(language=language)
    return qs


def get_question_set(*, company, question_set_id: int) -> QuestionSet:
    return _get(question_sets(company=company), question_set_id, "Question set")


def get_question(*, company, question_set: QuestionSet, question_id: int) -> Question:
    return _get(
        Question.objects.for_company(company).filter(question_set=question_set).select_related("question_set"),
        question_id,
        "Question",
    )


# --- requests and references -------------------------------------------------------------------------


def reference_requests(
    *, company, candidate: Candidate | None = None, status: str | None = None
) -> QuerySet[ReferenceRequest]:
    qs = (
        ReferenceRequest.objects.for_company(company)
        .select_related("candidate")
        .annotate(
            references_count=Count("references", distinct=True),
            completed_references_count=Count(
                "references", filter=Q(references__status=ReferenceStatus.COMPLETED), distinct=True
            ),
            completed_manager_references_count=Count(
                "references",
                filter=Q(
                    references__status=ReferenceStatus.COMPLETED,
                    references__relationship=Relationship.MANAGER,
                ),
                distinct=True,
            ),
        )
        .order_by("-created_at", "-pk")
    )
    if candidate is not None:
        qs = qs.filter(candidate=candidate)
    if status:
        qs = qs.filter(status=status)
    return qs


def get_reference_request(*, company, reference_request_id: int) -> ReferenceRequest:
    return _get(reference_requests(company=company), reference_request_id, "Reference request")


def references(
    *,
    company,
    candidate: Candidate | None = None,
    reference_request_id: int | None = None,
    status: str | None = None,
    with_answers: bool = True,
) -> QuerySet[Reference]:
    qs = (
        Reference.objects.for_company(company)
        .select_related("candidate", "reference_request", "question_set")
        .order_by("-created_at", "-pk")
    )
    if with_answers:
        qs = qs.prefetch_related(Prefetch("answers", queryset=Answer.objects.order_by("order", "pk")))
    if candidate is not None:
        qs = qs.filter(candidate=candidate)
    if reference_request_id is not None:
        qs = qs.filter(reference_request_id=reference_request_id)
    if status:
        qs = qs.filter(status=status)
    return qs


def get_reference(*, company, reference_id: int) -> Reference:
    return _get(references(company=company), reference_id, "Reference")


def get_answer(*, company, answer_id: int) -> Answer:
    return _get(Answer.objects.for_company(company).select_related("reference", "question"), answer_id, "Answer")


# --- scores ------------------------------------------------------------------------------------------


def normalised(answer: Answer) -> float | None:
    """A scale answer on 0-100 (min of the scale is 0, max is 100); None for other types or no answer."""
    if answer.type != QuestionType.SCALE or not answer.value or answer.scale_max is None:
        return None
    low, high = answer.scale_min or 0, answer.scale_max
    return (int(answer.value) - low) * 100 / (high - low)


@dataclass
class CategoryScore:
    category: str
    score: int
    answers_count: int
    references_count: int


@dataclass
class Score:
    score: int | None
    references_count: int
    answers_count: int
    categories: list[CategoryScore] = field(default_factory=list)


def score_answers(answers: list[Answer]) -> Score:
    """Per-category means of normalised scale answers, and the overall mean, all 0-100."""
    values: dict[str, list[float]] = defaultdict(list)
    refs: dict[str, set[int]] = defaultdict(set)
    all_values, all_refs = [], set()
    for answer in answers:
        value = normalised(answer)
        if value is None:
            continue
        category = answer.category or "general"
        values[category].append(value)
        refs[category].add(answer.reference_id)
        all_values.append(value)
        all_refs.add(answer.reference_id)
    categories = [
        CategoryScore(
            category=c,
            score=round(sum(v) / len(v)),
            answers_count=len(v),
            references_count=len(refs[c]),
        )
        for c, v in sorted(values.items())
    ]
    return Score(
        score=round(sum(all_values) / len(all_values)) if all_values else None,
        references_count=len(all_refs),
        answers_count=len(all_values),
        categories=categories,
    )


def reference_score(reference: Reference) -> int | None:
    """Overall 0-100 score of one completed reference (uses prefetched answers)."""
    if reference.status != ReferenceStatus.COMPLETED:
        return None
    return score_answers(list(reference.answers.all())).score


def candidate_score(*, company, candidate: Candidate) -> Score:
    answers = list(
        Answer.objects.for_company(company).filter(
            reference__candidate=candidate, reference__status=ReferenceStatus.COMPLETED
        )
    )
    return score_answers(answers)


# --- analytics ---------------------------------------------------------------------------------------


def _counts_by_date(queryset: QuerySet) -> list[dict]:
    rows = queryset.annotate(day=TruncDate("created_at")).values("day").annotate(count=Count("pk")).order_by("day")
    return [{"date": row["day"].isoformat(), "count": row["count"]} for row in rows]


def _averages(refs: QuerySet[Reference]) -> tuple[int | None, int | None, int, int, int]:
    """(avg completion seconds, avg candidate score, total refs, completed refs, total candidates)."""
    total = refs.count()
    done = refs.filter(status=ReferenceStatus.COMPLETED)
    completed = list(done.values_list("candidate_id", "sent_at", "completed_at"))
    durations = [(done - sent).total_seconds() for _, sent, done in completed if sent and done]
    answers = Answer.objects.filter(
        reference__in=refs.filter(status=ReferenceStatus.COMPLETED), type=QuestionType.SCALE
    ).only("reference_id", "type", "value", "scale_min", "scale_max", "category")
    by_candidate: dict[int, list[Answer]] = defaultdict(list)
    candidate_of = dict(refs.values_list("pk", "candidate_id"))
    for answer in answers:
        by_candidate[candidate_of[answer.reference_id]].append(answer)
    scores = [s for s in (score_answers(a).score for a in by_candidate.values()) if s is not None]
    return (
        round(sum(durations) / len(durations)) if durations else None,
        round(sum(scores) / len(scores)) if scores else None,
        total,
        len(completed),
        len(set(refs.values_list("candidate_id", flat=True))),
    )


def reference_analytics(*, company) -> dict:
    """001's hiring-firm analytics for the company's reference checks."""
    requests = ReferenceRequest.objects.for_company(company)
    refs = Reference.objects.for_company(company)
    avg_time, avg_score, total_refs, completed_refs, _ = _averages(refs)
    candidate_ids = set(requests.values_list("candidate_id", flat=True))
    candidate_ids |= set(refs.values_list("candidate_id", flat=True))
    by_user = Counter()
    completed_by_user = Counter()
    names = {}
    for user_id, first, last, email, status in refs.filter(reference_request__requested_by__isnull=False).values_list(
        "reference_request__requested_by_id",
        "reference_request__requested_by__first_name",
        "reference_request__requested_by__last_name",
        "reference_request__requested_by__email",
        "status",
    ):
        by_user[user_id] += 1
        completed_by_user[user_id] += status == ReferenceStatus.COMPLETED
        names[user_id] = f"{first} {last}".strip() or email
    top = sorted(by_user, key=lambda u: (-completed_by_user[u], -by_user[u], u))[:10]
    first_request = requests.order_by("candidate_id", "created_at").values("candidate_id", "created_at")
    seen, candidate_days = set(), Counter()
    for row in first_request:
        if row["candidate_id"] not in seen:
            seen.add(row["candidate_id"])
            candidate_days[row["created_at"].date().isoformat()] += 1
    return {
        "total_candidates": len(candidate_ids),
        "total_reference_requests": requests.count(),
        "total_references": total_refs,
        "completed_references": completed_refs,
        "avg_reference_completion_time": avg_time,
        "avg_candidates_score": avg_score,
        "candidate_count_by_date": [{"date": d, "count": c} for d, c in sorted(candidate_days.items())],
        "reference_count_by_date": _counts_by_date(refs),
        "top_recruiters": [
            {
                "user_id": u,
                "name": names[u],
                "total_references": by_user[u],
                "completed_references": completed_by_user[u],
            }
            for u in top
        ],
    }


def user_analytics(*, company, user) -> dict:
    """001's recruiter analytics: reference checks the user asked for (or referees they added)."""
    refs = Reference.objects.for_company(company).filter(
        Q(reference_request__requested_by=user) | Q(reference_request__isnull=True, added_by=user)
    )
    requests = ReferenceRequest.objects.for_company(company).filter(requested_by=user)
    avg_time, avg_score, total_refs, completed_refs, _ = _averages(refs)
    candidates = set(requests.values_list("candidate_id", flat=True)) | set(refs.values_list("candidate_id", flat=True))
    return {
        "user_id": user.pk,
        "name": user.full_name or user.email,
        "total_candidates": len(candidates),
        "total_reference_requests": requests.count(),
        "total_references": total_refs,
        "completed_references": completed_refs,
        "avg_reference_completion_time": avg_time,
        "avg_candidates_score": avg_score,
    }
