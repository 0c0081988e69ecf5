"""Reusable reads of evaluations, including who may see whose scorecard (independence rule)."""

from django.db.models import Avg, Count, Prefetch, Q, QuerySet

from hireloop.core.errors import Forbidden, NotFound
from hireloop.core.permissions import ADMIN, has_permission
from hireloop.evaluations.models import (
    EvaluationForm,
    EvaluationQuestion,
    EvaluationTemplate,
    FormStatus,
    Recommendation,
    StageEvaluationTemplate,
)


def templates(*, company) -> QuerySet[EvaluationTemplate]:
    active = EvaluationQuestion.objects.filter(is_active=True).order_by("position", "pk")
    return (
        EvaluationTemplate.objects.filter(company=company, deleted_at__isnull=True)
        .prefetch_related(Prefetch("questions", queryset=active))
        .order_by("name", "pk")
    )


def get_template(*, company, template_id: int) -> EvaluationTemplate:
    template = templates(company=company).filter(pk=template_id).first()
    if template is None:
        raise NotFound("Evaluation form template not found")
    return template


def stage_templates(*, company, stage_ids: list[int]) -> dict[int, EvaluationTemplate]:
    rows = StageEvaluationTemplate.objects.filter(
        company=company, stage_id__in=stage_ids, template__deleted_at__isnull=True
    ).select_related("template")
    return {row.stage_id: row.template for row in rows}


def forms(*, company) -> QuerySet[EvaluationForm]:
    return (
        EvaluationForm.objects.filter(company=company)
        .select_related("evaluator", "application")
        .order_by("created_at", "pk")
    )


# --- independence ------------------------------------------------------------------------------


def sees_all_evaluations(role: str | None) -> bool:
    """Admins and hiring managers read every submitted evaluation at any time."""
    return has_permission(role, "view_all_evaluations")


def has_submitted(*, company, user, application_id: int) -> bool:
    return EvaluationForm.objects.filter(
        company=company, application_id=application_id, evaluator=user, status=FormStatus.SUBMITTED
    ).exists()


def may_see_others(*, company, user, role: str | None, application_id: int) -> bool:
    """Whether the caller may read other people's submitted evaluations of this application:
    admins and hiring managers always; anyone else only after submitting their own."""
    return sees_all_evaluations(role) or has_submitted(company=company, user=user, application_id=application_id)


def visible_forms(*, company, user, role: str | None, application) -> list[EvaluationForm]:
    """The forms of an application the caller may read: their own (drafts too), others' submitted
    ones when the independence rule allows, and everyone's drafts for admins."""
    queryset = forms(company=company).filter(application=application)
    if role == ADMIN:
        return list(queryset)
    if may_see_others(company=company, user=user, role=role, application_id=application.pk):
        return list(queryset.filter(Q(evaluator=user) | Q(status=FormStatus.SUBMITTED)))
    return list(queryset.filter(evaluator=user))


def get_visible_form(*, company, user, role: str | None, form_id: int) -> EvaluationForm:
    form = forms(company=company).filter(pk=form_id).first()
    if form is None:
        raise NotFound("Evaluation form not found")
    if form.evaluator_id == user.pk or role == ADMIN:
        return form
    if form.status != FormStatus.SUBMITTED:
        raise NotFound("Evaluation form not found")
    if not may_see_others(company=company, user=user, role=role, application_id=form.application_id):
        raise Forbidden("Submit your own evaluation of this application before reading others'.")
    return form


# --- summaries ---------------------------------------------------------------------------------


def evaluation_summaries(*, company, application_ids: list[int]) -> dict[int, dict]:
    """Per application: submitted evaluations, their average score and recommendation counts (one query)."""
    aggregates = {
        "count": Count("pk"),
        "average": Avg("score"),
        **{value: Count("pk", filter=Q(recommendation=value)) for value in Recommendation.values},
    }
    rows = (
        EvaluationForm.objects.filter(company=company, application_id__in=application_ids, status=FormStatus.SUBMITTED)
        .values("application_id")
        .annotate(**aggregates)
    )
    result = {pk: _summary(pk, None) for pk in application_ids}
    for row in rows:
        result[row["application_id"]] = _summary(row["application_id"], row)
    return result


def _summary(application_id: int, row: dict | None) -> dict:
    counts = {value: (row[value] if row else 0) for value in Recommendation.values}
    average = row["average"] if row else None
    return {
        "application_id": application_id,
        "evaluation_count": row["count"] if row else 0,
        "average_score": round(average, 2) if average is not None else None,
        "recommendation_counts": counts,
    }


def evaluation_summary(*, company, application) -> dict:
    return evaluation_summaries(company=company, application_ids=[application.pk])[application.pk]
