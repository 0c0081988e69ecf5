"""Public pages of reference checks (no login; each link is a signed single-purpose token):
the candidate enters referees, the referee answers the questionnaire, then confirms it."""

import secrets

from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from hireloop.core.context import client_ip
from hireloop.core.errors import Conflict, ValidationFailed
from hireloop.references import services
from hireloop.references.models import QuestionType, Relationship

DEVICE_COOKIE = "hl_device"
MAX_ROWS = 10
REFEREE_FIELDS = ("first_name", "last_name", "email", "phone", "country_code", "relationship", "company_name", "title")
LINK_PAGES = {
    "invalid": (404, "This link is not valid", "Check that you opened the whole link from your email or text message."),
    "expired": (410, "This link has expired", "Ask the person who sent it for a new one."),
    "used": (410, "Already submitted", "This link has been used and takes no more answers. Thank you!"),
    "complete": (410, "All references are in", "Your referees have answered; nothing more is needed. Thank you!"),
    "declined": (410, "Reference declined", "You declined to give this reference; the link takes no more answers."),
    "closed": (410, "This request is closed", "The recruiter closed this reference request; nothing more is needed."),
}


def _device(request) -> tuple[str, bool]:
    """A random id kept in a cookie: the same browser on the candidate and referee pages is a fraud signal."""
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    if 16 <= len(value) <= 64 and value.replace("-", "").replace("_", "").isalnum():
        return value, False
    return secrets.token_urlsafe(16), True


def _page(request, template: str, context: dict, *, status: int = 200):
    device, new = _device(request)
    response = render(request, template, context, status=status)
    if new:
        response.set_cookie(DEVICE_COOKIE, device, max_age=365 * 24 * 3600, httponly=True, samesite="Lax")
    response["Referrer-Policy"] = "same-origin"  # the token is in the URL: never sent to other sites
    return response


def _link_error(request, error: services.LinkError):
    status, title, text = LINK_PAGES[error.reason]
    return _page(request, "references/link_error.html", {"title": title, "text": text}, status=status)


# --- candidate: enter referees -----------------------------------------------------------------------


def _rows_from_post(post) -> list[dict]:
    try:
        count = min(max(int(post.get("rows", "1")), 1), MAX_ROWS)
    except ValueError:
        count = 1
    return [{f: post.get(f"ref-{i}-{f}", "").strip() for f in REFEREE_FIELDS} for i in range(count)]


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def candidate_page(request, token: str):
    try:
        reference_request = services.resolve_candidate_link(token)
    except services.LinkError as error:
        return _link_error(request, error)
    existing = list(reference_request.references.order_by("created_at", "pk"))
    errors: dict[str, str] = {}
    if request.method == "POST":
        rows = _rows_from_post(request.POST)
        filled = [(i, r) for i, r in enumerate(rows) if any(r.values()) and (r["first_name"] or r["email"])]
        if not filled:
            errors["__all__"] = "Enter at least one referee."
        else:
            referees = [dict(r, relationship=r["relationship"] or "other") for _, r in filled]
            try:
                services.add_references_from_candidate(
                    reference_request=reference_request,
                    referees=referees,
                    ip=client_ip(request),
                    device=_device(request)[0],
                )
            except ValidationFailed as exc:
                for key, message in exc.validation_errors.items():
                    parts = key.split(".")
                    if len(parts) == 3 and parts[0] == "referees":
                        row_index = filled[int(parts[1])][0]
                        errors[f"ref-{row_index}-{'company_name' if parts[2] == 'company' else parts[2]}"] = message
                    else:
                        errors["__all__"] = message
            except Conflict as exc:
                errors["__all__"] = exc.message
            except services.LinkError as error:
                return _link_error(request, error)
            else:
                return redirect(f"{request.path}?added={len(referees)}")
    else:
        default = max(reference_request.min_references - len(existing), 1)
        try:
            count = min(max(int(request.GET.get("rows", default)), 1), MAX_ROWS)
        except ValueError:
            count = default
        rows = [dict.fromkeys(REFEREE_FIELDS, "") for _ in range(count)]
    context = {
        "request_obj": reference_request,
        "candidate": reference_request.candidate,
        "company": reference_request.company,
        "existing": existing,
        "rows": [
            {
                "index": i,
                "number": len(existing) + i + 1,
                "values": row,
                "errors": {f: errors.get(f"ref-{i}-{f}") for f in REFEREE_FIELDS},
            }
            for i, row in enumerate(rows)
        ],
        "row_count": len(rows),
        "more_rows": len(rows) + 1 if len(rows) < MAX_ROWS else None,
        "form_error": errors.get("__all__"),
        "has_errors": bool(errors),
        "added": request.GET.get("added") if request.method == "GET" else None,
        "relationships": [(value, label) for value, label in Relationship.choices],
    }
    return _page(request, "references/candidate.html", context, status=400 if errors else 200)


# --- referee: the questionnaire ----------------------------------------------------------------------


def _question_rows(questions, values: dict, comments: dict, errors: dict) -> list[dict]:
    rows = []
    for q in questions:
        options = []
        if q.type == QuestionType.SCALE:
            options = [(str(n), str(n)) for n in range(q.scale_min, q.scale_max + 1)]
        elif q.type == QuestionType.YES_NO:
            options = [("yes", "Yes"), ("no", "No")]
        elif q.type == QuestionType.SINGLE_CHOICE:
            options = [(c, c) for c in q.choices]
        rows.append(
            {
                "question": q,
                "name": f"q{q.pk}",
                "is_text": q.type == QuestionType.TEXT,
                "is_scale": q.type == QuestionType.SCALE,
                "options": options,
                "value": values.get(q.pk, ""),
                "comment": comments.get(q.pk, ""),
                "error": errors.get(f"q{q.pk}"),
            }
        )
    return rows


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def questionnaire(request, token: str):
    try:
        reference = services.resolve_questionnaire_link(token)
    except services.LinkError as error:
        return _link_error(request, error)
    questions = list(reference.question_set.questions.all()) if reference.question_set else []
    values: dict[int, str] = {}
    comments: dict[int, str] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {q.pk: request.POST.get(f"q{q.pk}", "") for q in questions}
        comments = {q.pk: request.POST.get(f"c{q.pk}", "") for q in questions}
        try:
            services.submit_answers(
                reference=reference,
                answers=values,
                comments=comments,
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                device=_device(request)[0],
            )
        except ValidationFailed as exc:
            errors = exc.validation_errors
        except services.LinkError as error:
            return _link_error(request, error)
        else:
            return _page(
                request,
                "references/thanks.html",
                {"title": "Thank you!", "text": f"Your reference for {reference.candidate.full_name} has been sent."},
            )
    else:
        services.open_questionnaire(reference=reference)
    context = {
        "language": reference.question_set.language if reference.question_set else "en",
        "reference": reference,
        "candidate": reference.candidate,
        "company": reference.company,
        "rows": _question_rows(questions, values, comments, errors),
        "error_count": len(errors),
    }
    return _page(request, "references/questionnaire.html", context, status=400 if errors else 200)


@never_cache
@csrf_protect
@require_http_methods(["POST"])
def decline(request, token: str):
    try:
        reference = services.resolve_questionnaire_link(token)
        services.decline_reference(reference=reference, reason=request.POST.get("reason", ""))
    except services.LinkError as error:
        return _link_error(request, error)
    return _page(
        request,
        "references/thanks.html",
        {"title": "Thank you for letting us know", "text": "You declined to give this reference."},
    )


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def verify(request, token: str):
    try:
        reference = services.resolve_verification_link(token)
    except services.LinkError as error:
        if error.reason == "used":
            return _page(
                request, "references/thanks.html", {"title": "Confirmed", "text": "Your reference is confirmed."}
            )
        return _link_error(request, error)
    if request.method == "POST":
        services.verify_reference(reference=reference, ip=client_ip(request))
        return _page(
            request, "references/thanks.html", {"title": "Confirmed", "text": "Thank you: your reference is confirmed."}
        )
    return _page(request, "references/verify.html", {"reference": reference, "candidate": reference.candidate})
