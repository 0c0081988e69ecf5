"""Every state change of evaluations: templates, stage defaults, drafting and submitting forms."""

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from hireloop.accounts.models import Membership, Role
from hireloop.activity.services import record
from hireloop.core.errors import Conflict, Forbidden, ValidationFailed
from hireloop.evaluations.models import (
    EvaluationForm,
    EvaluationQuestion,
    EvaluationTemplate,
    FormStatus,
    QuestionType,
    Recommendation,
    StageEvaluationTemplate,
)

RATED_TYPES = (QuestionType.RATING, QuestionType.SKILL_RATING)
RATING_MIN, RATING_MAX = 1, 5
MAX_QUESTIONS = 100


@dataclass
class QuestionSpec:
    text: str
    type: str = QuestionType.RATING
    required: bool = False
    weight: float = 1.0
    options: list[str] = field(default_factory=list)
    section: str = ""
    id: int | None = None


# --- scoring -----------------------------------------------------------------------------------


def question_score(question: dict, value: Any) -> float | None:
    """The 1–5 score of one answer: rated questions only (others inform, they do not score)."""
    if question["type"] in RATED_TYPES and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def weighted_score(questions: list[dict], answers: dict[str, Any]) -> float | None:
    """Weighted mean of the rating answers on their 1–5 scale; None when nothing is rated."""
    total = weights = 0.0
    for question in questions:
        score = question_score(question, answers.get(str(question["id"])))
        if score is None or question["weight"] <= 0:
            continue
        total += score * question["weight"]
        weights += question["weight"]
    return round(total / weights, 2) if weights else None


# --- templates ---------------------------------------------------------------------------------


def _check_questions(questions: list[QuestionSpec]) -> None:
    if not questions:
        raise ValidationFailed({"questions": "A template needs at least one question."})
    if len(questions) > MAX_QUESTIONS:
        raise ValidationFailed({"questions": f"At most {MAX_QUESTIONS} questions."})
    for index, question in enumerate(questions):
        if not question.text.strip():
            raise ValidationFailed({f"questions.{index}.text": "Must not be empty."})
        if question.type not in QuestionType.values:
            raise ValidationFailed({f"questions.{index}.type": f"Must be one of {', '.join(QuestionType.values)}."})
        if question.weight < 0:
            raise ValidationFailed({f"questions.{index}.weight": "Must be zero or more."})
        options = [str(o).strip() for o in question.options if str(o).strip()]
        if question.type == QuestionType.SINGLE_CHOICE and len(options) < 2:
            raise ValidationFailed(
                {f"questions.{index}.options": "A single_choice question needs two options or more."}
            )
        if len(set(options)) != len(options):
            raise ValidationFailed({f"questions.{index}.options": "Options must be distinct."})
        question.options = options if question.type == QuestionType.SINGLE_CHOICE else []


def _template_event(kind: str, template: EvaluationTemplate, actor, **data) -> None:
    record(kind=kind, company=template.company, subject=template, actor=actor, data={"name": template.name, **data})


@transaction.atomic
def create_template(
    *, company, actor, name: str, questions: list[QuestionSpec], description: str = ""
) -> EvaluationTemplate:
    """Create a scorecard template with its ordered questions."""
    _check_questions(questions)
    template = EvaluationTemplate.objects.create(company=company, name=name.strip(), description=description)
    EvaluationQuestion.objects.bulk_create(
        [_question_row(template, q, position) for position, q in enumerate(questions)]
    )
    _template_event("evaluation_template.created", template, actor, questions=len(questions))
    return template


def _question_row(template: EvaluationTemplate, spec: QuestionSpec, position: int) -> EvaluationQuestion:
    return EvaluationQuestion(
        company=template.company,
        template=template,
        position=position,
        section=spec.section,
        text=spec.text.strip(),
        type=spec.type,
        is_required=spec.required,
        weight=spec.weight,
        options=spec.options,
    )


@transaction.atomic
def update_template(
    *,
    company,
    actor,
    template: EvaluationTemplate,
    name: str | None = None,
    description: str | None = None,
    questions: list[QuestionSpec] | None = None,
) -> EvaluationTemplate:
    """Rename or re-question a template. Questions sent with an `id` are edited, new ones added,
    missing ones retired; forms already created keep the questions they were created with."""
    template = EvaluationTemplate.objects.select_for_update().get(pk=template.pk)
    if name is not None:
        template.name = name.strip()
    if description is not None:
        template.description = description
    if questions is not None:
        _check_questions(questions)
        existing = {q.pk: q for q in template.questions.filter(is_active=True)}
        unknown = [str(q.id) for q in questions if q.id is not None and q.id not in existing]
        if unknown:
            raise ValidationFailed({"questions": f"Unknown question ids for this template: {', '.join(unknown)}."})
        kept = set()
        for position, spec in enumerate(questions):
            if spec.id is None:
                _question_row(template, spec, position).save()
                continue
            row = existing[spec.id]
            kept.add(row.pk)
            row.position, row.section, row.text, row.type = position, spec.section, spec.text.strip(), spec.type
            row.is_required, row.weight, row.options = spec.required, spec.weight, spec.options
            row.save()
        template.questions.filter(is_active=True).exclude(pk__in=kept).filter(pk__in=list(existing)).update(
            is_active=False
        )
    template.save()
    _template_event("evaluation_template.updated", template, actor, questions_changed=questions is not None)
    return template


@transaction.atomic
def delete_template(*, company, actor, template: EvaluationTemplate) -> None:
    """Retire a template: it disappears from lists and stage defaults; filled forms keep their copy."""
    template.deleted_at = timezone.now()
    template.save(update_fields=["deleted_at", "updated_at"])
    StageEvaluationTemplate.objects.filter(company=company, template=template).delete()
    _template_event("evaluation_template.deleted", template, actor)


@transaction.atomic
def set_stage_templates(*, company, actor, job, assignments: list[tuple[Any, EvaluationTemplate | None]]):
    """Choose (or clear, with None) the default template of stages of a job's pipeline."""
    for stage, template in assignments:
        if template is None:
            StageEvaluationTemplate.objects.filter(company=company, stage=stage).delete()
        else:
            StageEvaluationTemplate.objects.update_or_create(
                company=company, stage=stage, defaults={"template": template}
            )
    record(
        kind="job.evaluation_templates_updated",
        company=company,
        subject=job,
        actor=actor,
        job_id=job.pk,
        data={"stages": {str(s.pk): (t.pk if t else None) for s, t in assignments}},
    )


# --- forms -------------------------------------------------------------------------------------


def _form_event(kind: str, form: EvaluationForm, actor, **data) -> None:
    application = form.application
    record(
        kind=kind,
        company=form.company,
        subject=form,
        actor=actor,
        candidate_id=application.candidate_id,
        job_id=application.job_id,
        data={"application_id": application.pk, "interview_id": form.interview_id, **data},
    )


def _snapshot(template: EvaluationTemplate) -> list[dict]:
    return [
        {
            "id": q.pk,
            "position": q.position,
            "section": q.section,
            "text": q.text,
            "type": q.type,
            "required": q.is_required,
            "weight": q.weight,
            "options": list(q.options),
        }
        for q in template.questions.filter(is_active=True).order_by("position", "pk")
    ]


def default_template(*, company, application, interview=None) -> EvaluationTemplate | None:
    """The interview's template, else the default of the application's current stage."""
    if interview is not None and interview.evaluation_template_id:
        template = EvaluationTemplate.objects.filter(
            company=company, pk=interview.evaluation_template_id, deleted_at__isnull=True
        ).first()
        if template is not None:
            return template
    if application.stage_id is None:
        return None
    mapping = (
        StageEvaluationTemplate.objects.filter(
            company=company, stage_id=application.stage_id, template__deleted_at__isnull=True
        )
        .select_related("template")
        .first()
    )
    return mapping.template if mapping else None


@transaction.atomic
def create_form(*, company, actor, application, template_id: int | None = None, interview_id: int | None = None):
    """Start the caller's draft scorecard of an application (for one interview if given)."""
    from hireloop.interviews.models import Interview

    interview = None
    if interview_id is not None:
        interview = Interview.objects.filter(company=company, pk=interview_id, application=application).first()
        if interview is None:
            raise ValidationFailed({"interview_id": "No such interview for this application."})
    if template_id is not None:
        template = EvaluationTemplate.objects.filter(company=company, pk=template_id, deleted_at__isnull=True).first()
        if template is None:
            raise ValidationFailed({"template_id": "Evaluation form template not found."})
    else:
        template = default_template(company=company, application=application, interview=interview)
        if template is None:
            raise ValidationFailed(
                {"template_id": "Required: neither the interview nor the application's stage has a default template."}
            )
    if (
        interview is not None
        and EvaluationForm.objects.filter(company=company, interview=interview, evaluator=actor).exists()
    ):
        raise Conflict("You already have an evaluation form for this interview.")
    try:
        with transaction.atomic():
            form = EvaluationForm.objects.create(
                company=company,
                application=application,
                interview=interview,
                template=template,
                template_name=template.name,
                stage_id=application.stage_id,
                evaluator=actor,
                questions=_snapshot(template),
            )
    except IntegrityError:
        raise Conflict("You already have an evaluation form for this interview.") from None
    _form_event("evaluation.created", form, actor, template_id=template.pk)
    return form


def _clean_value(question: dict, value: Any, field: str) -> Any:
    kind = question["type"]
    if kind in RATED_TYPES:
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            raise ValidationFailed({field: f"Must be a whole number from {RATING_MIN} to {RATING_MAX}."})
        if not RATING_MIN <= value <= RATING_MAX:
            raise ValidationFailed({field: f"Must be a whole number from {RATING_MIN} to {RATING_MAX}."})
        return int(value)
    if kind == QuestionType.YES_NO:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
            return value.strip().lower() == "yes"
        raise ValidationFailed({field: "Must be true/false (or yes/no)."})
    if kind == QuestionType.SINGLE_CHOICE:
        if value not in question["options"]:
            raise ValidationFailed({field: f"Must be one of: {', '.join(question['options'])}."})
        return value
    if not isinstance(value, str):
        raise ValidationFailed({field: "Must be text."})
    if len(value) > 20000:
        raise ValidationFailed({field: "At most 20000 characters."})
    return value


def _role(company, user) -> str | None:
    return Membership.objects.filter(company=company, user=user, is_active=True).values_list("role", flat=True).first()


@transaction.atomic
def save_form(
    *,
    company,
    actor,
    form: EvaluationForm,
    answers: list[tuple[int, Any]] | None = None,
    recommendation: str | None = None,
    summary: str | None = None,
) -> EvaluationForm:
    """Save answers (a null value clears one), the recommendation and the summary.

    Only the evaluator edits a draft; a submitted form is read-only except to admins, and each
    such edit is recorded with the values it replaced.
    """
    form = EvaluationForm.objects.select_for_update(of=("self",)).select_related("application").get(pk=form.pk)
    is_admin = _role(company, actor) == Role.ADMIN
    if form.status == FormStatus.SUBMITTED and not is_admin:
        raise Forbidden("This evaluation has been submitted and is read-only.")
    if form.status == FormStatus.DRAFT and form.evaluator_id != actor.pk and not is_admin:
        raise Forbidden("Only the evaluator can edit this draft.")
    questions = {q["id"]: q for q in form.questions}
    before = {"answers": dict(form.answers), "recommendation": form.recommendation, "summary": form.summary}
    new_answers = dict(form.answers)
    for index, (question_id, value) in enumerate(answers or []):
        question = questions.get(question_id)
        if question is None:
            raise ValidationFailed({f"answers.{index}.question_id": f"Question {question_id} is not on this form."})
        if value is None or value == "":
            new_answers.pop(str(question_id), None)
        else:
            new_answers[str(question_id)] = _clean_value(question, value, f"answers.{index}.value")
    form.answers = new_answers
    if recommendation is not None:
        form.recommendation = recommendation
    if summary is not None:
        form.summary = summary
    form.score = weighted_score(form.questions, form.answers)
    form.save()
    after = {"answers": form.answers, "recommendation": form.recommendation, "summary": form.summary}
    changed = sorted(k for k in before if before[k] != after[k])
    if form.status == FormStatus.SUBMITTED:
        _form_event(
            "evaluation.amended",
            form,
            actor,
            changed=changed,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    elif changed:
        _form_event("evaluation.updated", form, actor, changed=changed)
    return form


@transaction.atomic
def submit_form(*, company, actor, form: EvaluationForm) -> EvaluationForm:
    """Submit: every required question answered and a recommendation given, then read-only."""
    form = EvaluationForm.objects.select_for_update(of=("self",)).select_related("application").get(pk=form.pk)
    if form.evaluator_id != actor.pk:
        raise Forbidden("Only the evaluator can submit this evaluation.")
    if form.status == FormStatus.SUBMITTED:
        raise Conflict("This evaluation has already been submitted.")
    errors = {
        f"answers.{q['id']}": f"Required: {q['text']}"
        for q in form.questions
        if q["required"] and str(q["id"]) not in form.answers
    }
    if not form.recommendation:
        errors["recommendation"] = f"Required: one of {', '.join(Recommendation.values)}."
    if errors:
        raise ValidationFailed(errors, "Answer every required question and give a recommendation before submitting.")
    form.status = FormStatus.SUBMITTED
    form.submitted_at = timezone.now()
    form.score = weighted_score(form.questions, form.answers)
    form.save()
    _form_event("evaluation.submitted", form, actor, recommendation=form.recommendation, score=form.score)
    return form
