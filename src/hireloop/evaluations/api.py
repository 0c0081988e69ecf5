"""Evaluation forms (scorecards): templates, stage defaults, drafting, submitting, reading, summaries."""

from ninja import Query, Router

from hireloop.accounts.authentication import AuthContext
from hireloop.applications.models import Application
from hireloop.core.aliases import get_by_id_or_alias
from hireloop.core.errors import Forbidden, NotFound, ValidationFailed
from hireloop.core.pagination import paged, paginate
from hireloop.evaluations import schemas, selectors, services
from hireloop.evaluations.models import EvaluationForm, EvaluationTemplate
from hireloop.jobs.models import Job, Stage

router = Router(tags=["evaluations"])


def template_out(template: EvaluationTemplate) -> dict:
    return {
        "id": template.pk,
        "name": template.name,
        "description": template.description,
        "questions": [
            {
                "id": q.pk,
                "position": q.position,
                "section": q.section,
                "text": q.text,
                "type": q.type,
                "required": q.is_required,
                "weight": q.weight,
                "options": q.options,
            }
            for q in template.questions.all()
        ],
        "created_at": template.created_at,
        "updated_at": template.updated_at,
    }


def form_out(form: EvaluationForm) -> dict:
    application = form.application
    evaluator = form.evaluator
    person = {"id": evaluator.pk, "name": evaluator.full_name, "email": evaluator.email}
    answers = []
    for question in form.questions:
        key = str(question["id"])
        if key not in form.answers:
            continue
        value = form.answers[key]
        answers.append(
            {
                "question_id": question["id"],
                "question": question["text"],
                "type": question["type"],
                "value": value,
                "score": services.question_score(question, value),
                "weight": question["weight"],
            }
        )
    return {
        "id": form.pk,
        "application_id": application.pk,
        "candidate_id": application.candidate_id,
        "job_id": application.job_id,
        "interview_id": form.interview_id,
        "stage_id": form.stage_id,
        "template_id": form.template_id,
        "template_name": form.template_name,
        "status": form.status,
        "evaluator": person,
        "author": person,
        "recommendation": form.recommendation or None,
        "summary_score": form.recommendation or None,
        "summary": form.summary,
        "score": form.score,
        "weighted_total": form.score,
        "max_score": services.RATING_MAX,
        "questions": form.questions,
        "answers": answers,
        "submitted_at": form.submitted_at,
        "created_at": form.created_at,
        "updated_at": form.updated_at,
    }


def _application(ctx: AuthContext, application_id: int) -> Application:
    application = Application.objects.filter(company=ctx.company, pk=application_id).first()
    if application is None:
        raise NotFound("Application not found")
    return application


def _questions(items) -> list[services.QuestionSpec]:
    return [
        services.QuestionSpec(
            id=q.id,
            text=q.text,
            type=q.type,
            required=q.required,
            weight=q.weight,
            options=list(q.options),
            section=q.section,
        )
        for q in items
    ]


# --- templates ---------------------------------------------------------------------------------


@router.get("/evaluation-form-templates", response=paged("evaluation_form_templates", schemas.TemplateOut))
def list_templates(request, query: Query[schemas.TemplatesQuery]):
    ctx: AuthContext = request.auth
    ctx.require("evaluate")
    page = paginate(
        selectors.templates(company=ctx.company), key="evaluation_form_templates", page=query.page, size=query.size
    )
    page["evaluation_form_templates"] = [template_out(t) for t in page["evaluation_form_templates"]]
    return page


@router.post("/evaluation-form-templates", response={201: schemas.TemplateOut})
def create_template(request, payload: schemas.TemplateIn):
    ctx: AuthContext = request.auth
    ctx.require("manage_evaluation_templates")
    template = services.create_template(
        company=ctx.company,
        actor=ctx.user,
        name=payload.name,
        description=payload.description,
        questions=_questions(payload.questions),
    )
    return 201, template_out(selectors.get_template(company=ctx.company, template_id=template.pk))


@router.get("/evaluation-form-templates/{int:template_id}", response=schemas.TemplateOut)
def get_template(request, template_id: int):
    ctx: AuthContext = request.auth
    ctx.require("evaluate")
    return template_out(selectors.get_template(company=ctx.company, template_id=template_id))


@router.put("/evaluation-form-templates/{int:template_id}", response=schemas.TemplateOut)
def update_template(request, template_id: int, payload: schemas.TemplateUpdateIn):
    """Edit a template; send each kept question with its `id` (missing ones are retired)."""
    ctx: AuthContext = request.auth
    ctx.require("manage_evaluation_templates")
    template = selectors.get_template(company=ctx.company, template_id=template_id)
    services.update_template(
        company=ctx.company,
        actor=ctx.user,
        template=template,
        name=payload.name,
        description=payload.description,
        questions=_questions(payload.questions) if payload.questions is not None else None,
    )
    return template_out(selectors.get_template(company=ctx.company, template_id=template_id))


@router.delete("/evaluation-form-templates/{int:template_id}", response={204: None})
def delete_template(request, template_id: int):
    ctx: AuthContext = request.auth
    ctx.require("manage_evaluation_templates")
    template = selectors.get_template(company=ctx.company, template_id=template_id)
    services.delete_template(company=ctx.company, actor=ctx.user, template=template)
    return 204, None


# --- stage defaults ----------------------------------------------------------------------------


def _job_stages(ctx: AuthContext, job_id: str) -> tuple[Job, list[Stage]]:
    job = get_by_id_or_alias(Job.objects.filter(company=ctx.company), job_id, label="Job")
    stages = list(Stage.objects.filter(company=ctx.company, workflow_id=job.workflow_id).order_by("position", "pk"))
    return job, stages


def _stage_templates_out(ctx: AuthContext, job: Job, stages: list[Stage]) -> dict:
    chosen = selectors.stage_templates(company=ctx.company, stage_ids=[s.pk for s in stages])
    return {
        "job_id": job.pk,
        "stages": [
            {
                "stage_id": s.pk,
                "stage_name": s.name,
                "template_id": chosen[s.pk].pk if s.pk in chosen else None,
                "template_name": chosen[s.pk].name if s.pk in chosen else None,
            }
            for s in stages
        ],
    }


@router.get("/jobs/{job_id}/evaluation-templates", response=schemas.StageTemplatesOut)
def get_stage_templates(request, job_id: str):
    """The default evaluation template of each stage of the job's pipeline."""
    ctx: AuthContext = request.auth
    ctx.require("view_jobs")
    job, stages = _job_stages(ctx, job_id)
    return _stage_templates_out(ctx, job, stages)


@router.put("/jobs/{job_id}/evaluation-templates", response=schemas.StageTemplatesOut)
def put_stage_templates(request, job_id: str, payload: schemas.StageTemplatesIn):
    """Choose (template_id) or clear (null) stage defaults; stages must be in the job's pipeline."""
    ctx: AuthContext = request.auth
    ctx.require("manage_jobs")
    job, stages = _job_stages(ctx, job_id)
    by_id = {s.pk: s for s in stages}
    assignments = []
    for index, item in enumerate(payload.stages):
        stage = by_id.get(item.stage_id)
        if stage is None:
            raise ValidationFailed({f"stages.{index}.stage_id": "Not a stage of this job's pipeline."})
        template = None
        if item.template_id is not None:
            template = selectors.templates(company=ctx.company).filter(pk=item.template_id).first()
            if template is None:
                raise ValidationFailed({f"stages.{index}.template_id": "Evaluation form template not found."})
        assignments.append((stage, template))
    services.set_stage_templates(company=ctx.company, actor=ctx.user, job=job, assignments=assignments)
    return _stage_templates_out(ctx, job, stages)


# --- forms -------------------------------------------------------------------------------------


@router.post("/applications/{int:application_id}/evaluation-forms", response={201: schemas.FormOut})
def create_form(request, application_id: int, payload: schemas.FormCreateIn | None = None):
    """Start the caller's draft evaluation of an application (optionally for one interview)."""
    ctx: AuthContext = request.auth
    ctx.require("evaluate")
    form = services.create_form(
        company=ctx.company,
        actor=ctx.user,
        application=_application(ctx, application_id),
        template_id=payload.template_id if payload else None,
        interview_id=payload.interview_id if payload else None,
    )
    return 201, form_out(selectors.forms(company=ctx.company).get(pk=form.pk))


@router.get("/applications/{int:application_id}/evaluation-forms", response=schemas.FormsOut)
def list_forms(request, application_id: int):
    """The evaluations of an application the caller may see (see the independence rule)."""
    ctx: AuthContext = request.auth
    ctx.require("evaluate")
    application = _application(ctx, application_id)
    forms = selectors.visible_forms(company=ctx.company, user=ctx.user, role=ctx.role, application=application)
    return {"evaluation_forms": [form_out(f) for f in forms]}


@router.get("/applications/{int:application_id}/evaluation-summary", response=schemas.SummaryOut)
def application_summary(request, application_id: int):
    """Submitted evaluations: count, average weighted score, recommendation counts."""
    ctx: AuthContext = request.auth
    ctx.require("evaluate")
    application = _application(ctx, application_id)
    if not selectors.may_see_others(company=ctx.company, user=ctx.user, role=ctx.role, application_id=application.pk):
        raise Forbidden("Submit your own evaluation of this application before reading the summary.")
    return selectors.evaluation_summary(company=ctx.company, application=application)


@router.get("/evaluation-forms/{int:form_id}", response=schemas.FormOut)
def get_form(request, form_id: int):
    ctx: AuthContext = request.auth
    ctx.require("evaluate")
    return form_out(selectors.get_visible_form(company=ctx.company, user=ctx.user, role=ctx.role, form_id=form_id))


@router.put("/evaluation-forms/{int:form_id}", response=schemas.FormOut)
def update_form(request, form_id: int, payload: schemas.FormUpdateIn):
    """Save a draft (answers merge by question_id; null clears). Submitted forms: admins only, audited."""
    ctx: AuthContext = request.auth
    ctx.require("evaluate")
    form = selectors.get_visible_form(company=ctx.company, user=ctx.user, role=ctx.role, form_id=form_id)
    services.save_form(
        company=ctx.company,
        actor=ctx.user,
        form=form,
        answers=[(a.question_id, a.value) for a in payload.answers] if payload.answers is not None else None,
        recommendation=payload.recommendation,
        summary=payload.summary,
    )
    return form_out(selectors.forms(company=ctx.company).get(pk=form_id))


@router.post("/evaluation-forms/{int:form_id}/submit", response=schemas.FormOut)
def submit_form(request, form_id: int):
    """Submit: required questions and the recommendation are checked; the form becomes read-only."""
    ctx: AuthContext = request.auth
    ctx.require("evaluate")
    form = selectors.get_visible_form(company=ctx.company, user=ctx.user, role=ctx.role, form_id=form_id)
    services.submit_form(company=ctx.company, actor=ctx.user, form=form)
    return form_out(selectors.forms(company=ctx.company).get(pk=form_id))
