"""Writing notes: sanitise, record on the candidate timeline, email mentioned colleagues."""

import nh3
from django.db import transaction
from django.utils.html import escape

from hireloop.accounts.models import Membership, Role
from hireloop.activity.services import record
from hireloop.core.errors import Forbidden, ValidationFailed
from hireloop.notes.models import Note, Visibility

MAX_BODY = 50_000


def sanitize(body: str) -> str:
    """Keep formatting and links, drop scripts, styles and event handlers."""
    cleaned = nh3.clean(body or "", link_rel="noopener noreferrer nofollow").strip()
    if not nh3.clean(cleaned, tags=set()).strip():
        raise ValidationFailed({"body": "The note is empty."})
    if len(cleaned) > MAX_BODY:
        raise ValidationFailed({"body": f"A note is at most {MAX_BODY} characters."})
    return cleaned


def _members(company, user_ids: list[int], *, field: str) -> dict:
    memberships = Membership.objects.filter(company=company, user_id__in=user_ids, is_active=True).select_related(
        "user"
    )
    found = {m.user_id: m.user for m in memberships}
    missing = [i for i in user_ids if i not in found]
    if missing:
        raise ValidationFailed({field: f"Not a member of this company: {', '.join(map(str, missing))}."})
    return found


def _notify_mentions(*, company, actor, note: Note, user_ids: list[int]) -> None:
    from hireloop.messaging.services import send_email

    users = _members(company, user_ids, field="mention_user_ids")
    author = note.author.full_name or note.author.email if note.author else company.name
    name = note.candidate.full_name or note.candidate.alias
    for user in users.values():
        if actor is not None and user.pk == actor.pk:
            continue
        send_email(
            company=company,
            to=[user.email],
            subject=f"{author} mentioned you in a note on {name}",
            body_html=(
                f"<p>{escape(author)} mentioned you in a note on {escape(name)} "
                f"(candidate {escape(note.candidate.alias)}):</p><blockquote>{note.body}</blockquote>"
            ),
            actor=actor,
            kind="note_mention",
            related=("note", note.pk),
        )


def _check_visibility(visibility: str, mention_user_ids: list[int]) -> None:
    if visibility not in Visibility.values:
        raise ValidationFailed({"visibility": "Must be all or private."})
    if visibility == Visibility.PRIVATE and mention_user_ids:
        raise ValidationFailed({"mention_user_ids": "A private note cannot mention anyone: they could not read it."})


@transaction.atomic
def create_note(
    *,
    company,
    actor,
    actor_role: str | None,
    candidate,
    body: str,
    author=None,
    visibility: str = Visibility.ALL,
    mention_user_ids: list[int] | None = None,
) -> Note:
    """Add a note to a candidate; mentioned colleagues are emailed once it is committed."""
    mention_user_ids = list(dict.fromkeys(mention_user_ids or []))
    _check_visibility(visibility, mention_user_ids)
    if author is None:
        author = actor
    elif author.pk != actor.pk:
        if actor_role != Role.ADMIN:
            raise Forbidden("Only admins can write a note on behalf of another user.")
        _members(company, [author.pk], field="user_id")
    note = Note.objects.create(
        company=company,
        candidate=candidate,
        author=author,
        body=sanitize(body),
        visibility=visibility,
        mention_user_ids=mention_user_ids,
    )
    record(
        kind="note.created",
        company=company,
        subject=note,
        actor=actor,
        candidate_id=candidate.pk,
        data={"visibility": visibility, "author_id": author.pk, "mention_user_ids": mention_user_ids},
    )
    if mention_user_ids:
        _notify_mentions(company=company, actor=actor, note=note, user_ids=mention_user_ids)
    return note


def _check_can_change(note: Note, actor, actor_role: str | None) -> None:
    if note.author_id != actor.pk and actor_role != Role.ADMIN:
        raise Forbidden("Only the author or an admin can change this note.")


@transaction.atomic
def update_note(*, company, actor, actor_role: str | None, note: Note, changes: dict) -> Note:
    """Edit a note's body or visibility (its author or an admin)."""
    _check_can_change(note, actor, actor_role)
    if "visibility" in changes:
        _check_visibility(changes["visibility"], note.mention_user_ids)
        note.visibility = changes["visibility"]
    if "body" in changes:
        note.body = sanitize(changes["body"])
    note.save()
    record(
        kind="note.updated",
        company=company,
        subject=note,
        actor=actor,
        candidate_id=note.candidate_id,
        data={"fields": sorted(changes)},
    )
    return note


@transaction.atomic
def delete_note(*, company, actor, actor_role: str | None, note: Note) -> None:
    """Remove a note (its author or an admin); the timeline keeps that it existed."""
    _check_can_change(note, actor, actor_role)
    record(
        kind="note.deleted",
        company=company,
        subject=note,
        actor=actor,
        candidate_id=note.candidate_id,
        data={"author_id": note.author_id},
    )
    note.delete()
