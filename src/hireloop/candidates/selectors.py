"""Reads of candidates: the filtered list, the wire shape of 003, files, the timeline."""

from datetime import datetime
from urllib.parse import quote

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.timesince import timesince

from hireloop.candidates import normalize
from hireloop.candidates.models import (
    Candidate,
    CandidateEmail,
    CandidateFile,
    CandidatePhone,
    CandidateSearch,
    CandidateTag,
    FileType,
    ProfileAnswer,
)
from hireloop.core.aliases import get_by_id_or_alias
from hireloop.core.context import public_base_url
from hireloop.core.errors import NotFound
from hireloop.core.files import readable_size
from hireloop.core.times import parse_time, to_unix

# FTS5's trigram tokenizer matches substrings of three characters or more.
MIN_INDEXED_QUERY = 3


def get_candidate(*, company, id_or_alias, queryset: QuerySet | None = None) -> Candidate:
    """One candidate of `company` by numeric id or alias, else 404."""
    base = queryset if queryset is not None else Candidate.objects.all()
    return get_by_id_or_alias(base.filter(company=company), id_or_alias, label="Candidate")


def search_rows(*, company, q: str) -> QuerySet:
    """The CandidateSearch rows of `company` matching `q`: partial, case-insensitive, on first name,
    last name, "first last" and every email.

    PostgreSQL answers from a pg_trgm GIN index on the narrow search table; SQLite from an FTS5 trigram
    table over it (queries shorter than three characters scan the narrow table).
    """
    text = " ".join(q.lower().split())
    rows = CandidateSearch.objects.filter(company=company)
    if connection.vendor == "sqlite" and len(text) >= MIN_INDEXED_QUERY:
        phrase = '"' + text.replace('"', '""') + '"'
        matches = RawSQL("SELECT rowid FROM candidates_search WHERE candidates_search MATCH %s", [phrase])
        return rows.filter(pk__in=matches)
    return rows.filter(text__contains=text)


def search(queryset: QuerySet, *, company, q: str) -> QuerySet:
    """`queryset` narrowed to the candidates matching `q` (see search_rows)."""
    if not q.split():
        return queryset
    return queryset.filter(pk__in=search_rows(company=company, q=q).values("candidate_id"))


# How long the size of a company's whole pool may be served from the cache. Writes through the services
# forget it on commit, so it only ages when rows change behind their back (bulk loads).
COUNT_CACHE_SECONDS = 15


def _count_key(company_id: int) -> str:
    return f"candidates:count:{company_id}"


def count_candidates(queryset: QuerySet, *, company, unfiltered: bool, only_q: str | None = None) -> int:
    """total_count of a list. The unfiltered pool's size is cached: an exact COUNT(*) over a million
    rows costs more than the rest of the page. A search alone is counted on the narrow search table,
    without joining the candidates."""
    if only_q and only_q.split():
        return search_rows(company=company, q=only_q).count()
    if not unfiltered:
        return queryset.count()
    from django.core.cache import cache

    key = _count_key(company.pk)
    total = cache.get(key)
    if total is None:
        total = queryset.count()
        cache.set(key, total, COUNT_CACHE_SECONDS)
    return total


def forget_count(company_id: int) -> None:
    """Drop the cached pool size now and again on commit (a candidate came or went): a request counting
    between the two would otherwise cache the old figure."""
    from django.core.cache import cache
    from django.db import transaction

    key = _count_key(company_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def filter_candidates(
    *,
    company,
    job_id: int | None = None,
    stage_id: int | None = None,
    email: str | None = None,
    q: str | None = None,
    full_name: str | None = None,
    linkedin: str | None = None,
    created_after: str | None = None,
    updated_after: str | None = None,
) -> QuerySet:
    """The candidates of `company` matching every supplied filter, newest first."""
    queryset = Candidate.objects.filter(company=company)
    created = parse_time(created_after, field="created_after")
    updated = parse_time(updated_after, field="updated_after")
    if created:
        queryset = queryset.filter(created_at__gte=created)
    if updated:
        queryset = queryset.filter(updated_at__gte=updated)
    if job_id is not None or stage_id is not None:
        from hireloop.applications.models import Application

        applications = Application.objects.filter(company=company)
        if job_id is not None:
            applications = applications.filter(job_id=job_id)
        if stage_id is not None:
            applications = applications.filter(stage_id=stage_id)
        queryset = queryset.filter(pk__in=applications.values("candidate_id"))
    if email:
        owners = CandidateEmail.objects.filter(company=company, email=email.strip().lower()).values("candidate_id")
        queryset = queryset.filter(pk__in=owners)
    if full_name:
        queryset = queryset.filter(name_key=" ".join(full_name.lower().split()))
    if linkedin:
        queryset = queryset.filter(linkedin=normalize.linkedin(linkedin))
    if q:
        queryset = search(queryset, company=company, q=q)
    return queryset.order_by("-created_at", "-pk")


# The columns the wire shape needs (no internals such as name_key), read without model instances.
_COLUMNS = (
    "id",
    "alias",
    "company_id",
    "first_name",
    "last_name",
    "ip",
    "city",
    "state",
    "country",
    "timezone",
    "linkedin",
    "created_at",
    "updated_at",
    "last_message_at",
    "source_id",
    "source__name",
    "origin_id",
    "origin__name",
)


def backoffice_url(alias: str, base: str) -> str:
    return f"{base}/app/candidates/{alias}"


def days_since(moment: datetime | None, now: datetime) -> int | None:
    return None if moment is None else max(0, (now - moment).days)


def _grouped(rows) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for candidate_id, *rest in rows:
        grouped.setdefault(candidate_id, []).append(rest[0] if len(rest) == 1 else rest)
    return grouped


def serialize(
    queryset: QuerySet, *, base: str, now: datetime | None = None, profile: bool = True, applications: bool = True
) -> list[dict]:
    """The Candidate objects of 003 (plus city, state, country, timezone, linkedin) for a queryset,
    in its order, with one query per relation whatever the number of candidates. Times are unix seconds."""
    now = now or timezone.now()
    rows = list(queryset.values(*_COLUMNS))
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    emails = _grouped(
        CandidateEmail.objects.filter(candidate_id__in=ids)
        .order_by("candidate_id", "position", "pk")
        .values_list("candidate_id", "email")
    )
    phones = _grouped(
        CandidatePhone.objects.filter(candidate_id__in=ids)
        .order_by("candidate_id", "position", "pk")
        .values_list("candidate_id", "phone")
    )
    answers = (
        _grouped(
            ProfileAnswer.objects.filter(candidate_id__in=ids)
            .order_by("pk")
            .values_list("candidate_id", "question_id", "question__text", "value")
        )
        if profile
        else {}
    )
    if applications:
        from hireloop.applications.models import Application

        summaries = _grouped(
            Application.objects.filter(candidate_id__in=ids)
            .order_by("pk")
            .values_list("candidate_id", "id", "job_id", "job__title", "job__status", "stage_id", "stage__name")
        )
    result = []
    for row in rows:
        pk = row["id"]
        data = {
            "id": pk,
            "alias": row["alias"],
            "url_backoffice": backoffice_url(row["alias"], base),
            "company_id": row["company_id"],
            "first_name": row["first_name"] or None,
            "last_name": row["last_name"] or None,
            "emails": emails.get(pk, []),
            "phones": phones.get(pk, []),
            "source": {"id": row["source_id"], "name": row["source__name"]} if row["source_id"] else None,
            "origin": {"id": row["origin_id"], "name": row["origin__name"]} if row["origin_id"] else None,
            "ip": row["ip"],
            "city": row["city"] or None,
            "state": row["state"] or None,
            "country": row["country"] or None,
            "timezone": row["timezone"] or None,
            "linkedin": row["linkedin"] or None,
            "created_at": to_unix(row["created_at"]),
            "updated_at": to_unix(row["updated_at"]),
            "last_message_at": to_unix(row["last_message_at"]),
            "days_since_last_message": days_since(row["last_message_at"], now),
        }
        if profile:
            data["profile"] = [
                {"question_id": q, "question_text": text, "value": value} for q, text, value in answers.get(pk, [])
            ]
        if applications:
            data["applications"] = [
                {
                    "id": app_id,
                    "job": {"id": job_id, "title": title, "status": status},
                    "stage": {"id": stage_id, "name": stage_name} if stage_id else None,
                }
                for app_id, job_id, title, status, stage_id, stage_name in summaries.get(pk, [])
            ]
        result.append(data)
    return result


def candidate_detail(*, company, candidate_id: int, base: str) -> dict | None:
    """One candidate as GET /candidates/{id} returns it, or None."""
    found = serialize(Candidate.objects.filter(company=company, pk=candidate_id), base=base)
    return found[0] if found else None


def webhook_payload(company, candidate_id: int) -> dict | None:
    """The candidate exactly as GET /candidates/{id} returns it (None once deleted), for webhooks."""
    return candidate_detail(company=company, candidate_id=candidate_id, base=public_base_url())


def tags_of(candidate: Candidate) -> list[str]:
    return list(CandidateTag.objects.filter(candidate=candidate).order_by("pk").values_list("tag__name", flat=True))


def tags_by_candidate(candidate_ids: list[int]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {pk: [] for pk in candidate_ids}
    rows = (
        CandidateTag.objects.filter(candidate_id__in=candidate_ids)
        .order_by("pk")
        .values_list("candidate_id", "tag__name")
    )
    for candidate_id, name in rows:
        result[candidate_id].append(name)
    return result


# --- files -----------------------------------------------------------------------------------


def relative_time(moment: datetime, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if (now - moment).total_seconds() < 60:
        return "a few seconds ago"
    return f"{timesince(moment, now).split(',')[0]} ago"


def file_url(stored: CandidateFile, base: str) -> str:
    return f"{base}/api/v2/attachments/{stored.category}/{stored.uuid}/{quote(stored.original_name)}"


def file_out(stored: CandidateFile, *, base: str, now: datetime | None = None) -> dict:
    """The ApiAttachment shape of 003, plus `type` (resume/other) and `created_at`."""
    ext = stored.original_name.rsplit(".", 1)[-1].lower() if "." in stored.original_name else ""
    return {
        "uuid": str(stored.uuid),
        "url": file_url(stored, base),
        "relative_time": relative_time(stored.created_at, now),
        "type": stored.type,
        "created_at": stored.created_at,
        "parse_status": (stored.parse_status or "pending") if stored.type == FileType.RESUME else None,
        "parse_error": stored.parse_error or None,
        "file": {
            "is_image": stored.mime_type.startswith("image/"),
            "orig_file_name": stored.original_name,
            "file_ext": ext,
            "file_type": stored.mime_type,
            "readable_size": readable_size(stored.size),
            "size": stored.size,
        },
    }


def candidate_files(*, company, candidate: Candidate) -> QuerySet:
    return CandidateFile.objects.filter(company=company, candidate=candidate).order_by("-created_at", "-pk")


def resume_of(*, company, candidate: Candidate) -> CandidateFile:
    """The latest resume of a candidate, else 404."""
    stored = candidate_files(company=company, candidate=candidate).filter(type=FileType.RESUME).first()
    if stored is None:
        raise NotFound("Resume not found")
    return stored


def resume_text(stored: CandidateFile, candidate: Candidate) -> str | None:
    """Parsed text of the file, else of the candidate's AI resume profile, else None."""
    if stored.text:
        return stored.text
    from hireloop.ai.models import ResumeProfile

    profile = ResumeProfile.objects.filter(candidate=candidate).only("text").first()
    return (profile.text or None) if profile else None


# --- timeline --------------------------------------------------------------------------------

# 003's activity event types and the recorded kinds behind each (a kind may be a prefix ending in ".").
EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "comment": ("note.",),
    "copilot_response": ("ai.",),
    "stage_moved": ("application.moved", "application.advanced"),
    "automation_action_triggered": ("automation.", "workflow."),
    "assign_job": ("application.created", "application.transferred"),
    "enrichment": ("candidate.resume_parsed", "resume.", "file.parsed"),
    "call": ("call.", "message.sms"),
    "validate_emails": ("email.validated",),
    "profile_mutation": (
        "candidate.created",
        "candidate.updated",
        "candidate.merged",
        "candidate.anonymized",
        "file.added",
    ),
    "qualification": ("application.disqualified", "application.rejected", "application.hired"),
    "assign_tags": ("candidate.updated:tags",),
    "assign_sources": ("candidate.updated:source",),
    "candidate_rate": ("evaluation.", "application.ai_scored"),
    "message": ("message.",),
    "interview": ("interview.",),
    "reference": ("reference.",),
}


def event_type(event) -> str:
    """The 003 type of a recorded event."""
    kind = event.kind
    change = (event.data or {}).get("change")
    if change in ("tags", "source"):
        return "assign_tags" if change == "tags" else "assign_sources"
    for name, kinds in EVENT_TYPES.items():
        if name in ("assign_tags", "assign_sources"):
            continue
        if any(kind.startswith(k) if k.endswith(".") else kind == k for k in kinds):
            return name
    return kind.split(".")[0]


def _kind_filter(types: list[str]):
    from django.db.models import Q

    condition = Q(pk__in=[])
    for name in types:
        for kind in EVENT_TYPES.get(name, ()):
            if kind.endswith("."):
                part = Q(kind__startswith=kind)
            elif ":" in kind:
                base, change = kind.split(":")
                part = Q(kind=base, data__change=change)
            else:
                part = Q(kind=kind)
            if name == "profile_mutation" and kind == "candidate.updated":
                part &= ~Q(data__change__in=["tags", "source"]) | Q(data__change__isnull=True)
            condition |= part
    return condition


def candidate_timeline(*, company, candidate: Candidate, event_types: str | None, since, until) -> QuerySet:
    """Every event recorded about the candidate and their applications, newest first."""
    from hireloop.activity.models import Event

    events = Event.objects.filter(company=company, candidate_id=candidate.pk)
    if event_types:
        names = [t.strip() for t in event_types.split(",") if t.strip()]
        events = events.filter(_kind_filter(names))
    after = parse_time(since, field="since")
    before = parse_time(until, field="until")
    if after:
        events = events.filter(created_at__gte=after)
    if before:
        events = events.filter(created_at__lte=before)
    return events.select_related("actor").order_by("-created_at", "-pk")


def _event_text(event) -> str:
    from django.utils.html import escape

    data = event.data or {}
    if data.get("change") == "tags":
        added, removed = data.get("tags_added"), data.get("tags_removed")
        if added:
            return "Tags added: " + ", ".join(f"<b>{escape(t)}</b>" for t in added)
        return "Tags removed: " + ", ".join(f"<b>{escape(t)}</b>" for t in removed or [])
    if event.kind == "file.added":
        return f"File added: <b>{escape(data.get('file_name', ''))}</b>"
    if data.get("fields"):
        return f"{escape(event.kind)}: " + ", ".join(escape(str(f)) for f in data["fields"])
    return escape(event.kind.replace(".", " ").replace("_", " ").capitalize())


def activity_out(event, *, now: datetime, view: str = "full") -> dict:
    """The Activity object of 003 (every event is a text bubble; comments also carry the note id)."""
    from django.utils.formats import date_format

    data = event.data or {}
    application_id = event.subject_id if event.subject_type == "application" else data.get("application_id")
    local = timezone.localtime(event.created_at)
    body: dict = {
        "type": event_type(event),
        "is_text_bubble": True,
        "kind": event.kind,
        "data": {
            "text": _event_text(event),
            "date": date_format(local, "M j"),
            "relative_time": relative_time(event.created_at, now),
            "full_time": local.strftime("%Y-%m-%d %H:%M:%S"),
        },
    }
    if view == "full":
        body["data"]["details"] = data
    return {
        "event_id": event.pk,
        "candidate_id": event.candidate_id,
        "application_id": application_id,
        "user_id": event.actor_id,
        "event": body,
        "created_at": event.created_at,
    }


# --- duplicates and export -------------------------------------------------------------------


def duplicates_of(*, company, candidate: Candidate) -> list[tuple[Candidate, list[str]]]:
    """Other candidates of the company that look like the same person, each with why:
    a shared email, a shared phone (E.164), the same LinkedIn profile, or the same name in the same city."""
    from hireloop.candidates.models import CandidatePhone

    reasons: dict[int, list[str]] = {}

    def add(ids, reason: str) -> None:
        for pk in ids:
            if pk != candidate.pk and reason not in reasons.setdefault(pk, []):
                reasons[pk].append(reason)

    emails = list(candidate.emails.values_list("email", flat=True))
    phones = list(candidate.phones.values_list("phone", flat=True))
    if emails:
        add(
            CandidateEmail.objects.filter(company=company, email__in=emails).values_list("candidate_id", flat=True),
            "email",
        )
    if phones:
        add(
            CandidatePhone.objects.filter(company=company, phone__in=phones).values_list("candidate_id", flat=True),
            "phone",
        )
    if candidate.linkedin:
        add(
            Candidate.objects.filter(company=company, linkedin=candidate.linkedin).values_list("pk", flat=True),
            "linkedin",
        )
    if candidate.name_key and candidate.city:
        same_name = Candidate.objects.filter(company=company, name_key=candidate.name_key, city__iexact=candidate.city)
        add(same_name.values_list("pk", flat=True), "name_and_city")
    found = Candidate.objects.filter(company=company, pk__in=list(reasons)).order_by("pk")
    return [(c, reasons[c.pk]) for c in found]


def export_candidate(*, company, candidate: Candidate, base: str) -> dict:
    """Every stored datum about a person: their record and every row of every table pointing at them,
    plus the events about them (GDPR access request)."""
    from django.core import serializers

    from hireloop.activity.models import Event

    def rows(queryset) -> list[dict]:
        return [
            {"model": item["model"], "id": item["pk"], **item["fields"]}
            for item in serializers.serialize("python", queryset)
        ]

    related: dict[str, list[dict]] = {}
    for relation in candidate_relations():
        model = relation.related_model
        queryset = model._default_manager.filter(**{relation.field.name: candidate})
        label = model._meta.label_lower
        related[label] = related.get(label, []) + rows(queryset)
    events = Event.objects.filter(company=company, candidate_id=candidate.pk).order_by("created_at", "pk")
    return {
        "candidate": candidate_detail(company=company, candidate_id=candidate.pk, base=base),
        "record": rows(Candidate.objects.filter(pk=candidate.pk))[0],
        "tags": tags_of(candidate),
        "related": {k: v for k, v in related.items() if v},
        "events": rows(events),
        "exported_at": timezone.now(),
    }


def candidate_relations() -> list:
    """Every relation of another model (any app) onto Candidate, hidden ones (related_name="+") included."""
    return [
        f
        for f in Candidate._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]
