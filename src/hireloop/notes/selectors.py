"""Reads of notes: a private note exists only for its author and the company's admins."""

from django.db.models import Q, QuerySet

from hireloop.accounts.models import Role
from hireloop.core.errors import NotFound
from hireloop.notes.models import Note, Visibility


def visible_notes(*, company, user, role: str | None) -> QuerySet:
    queryset = Note.objects.filter(company=company).select_related("author")
    if role != Role.ADMIN:
        queryset = queryset.filter(Q(visibility=Visibility.ALL) | Q(author=user))
    return queryset


def candidate_notes(*, company, user, role: str | None, candidate) -> QuerySet:
    return (
        visible_notes(company=company, user=user, role=role).filter(candidate=candidate).order_by("-created_at", "-pk")
    )


def get_note(*, company, user, role: str | None, note_id: int) -> Note:
    note = visible_notes(company=company, user=user, role=role).filter(pk=note_id).first()
    if note is None:
        raise NotFound("Note not found")
    return note
