"""Notes on candidates (map §15)."""

from ninja import Query, Router

from hireloop.accounts import selectors as account_selectors
from hireloop.accounts.authentication import AuthContext
from hireloop.candidates.models import Candidate
from hireloop.core.aliases import get_by_id_or_alias
from hireloop.core.pagination import paged, paginate
from hireloop.notes import schemas, selectors, services
from hireloop.notes.models import Note

router = Router(tags=["notes"])


def note_out(note: Note, include: str | None = None) -> dict:
    data = {
        "id": note.pk,
        "candidate_id": note.candidate_id,
        "user_id": note.author_id,
        "body": note.body,
        "visibility": note.visibility,
        "mention_user_ids": note.mention_user_ids,
        "created_at": note.created_at,
        "updated_at": note.updated_at,
    }
    if include and "user" in include.split(",") and note.author is not None:
        author = note.author
        data["user"] = {
            "id": author.pk,
            "email": author.email,
            "first_name": author.first_name,
            "last_name": author.last_name,
            "full_name": author.full_name,
        }
    return data


def _candidate(ctx: AuthContext, value) -> Candidate:
    return get_by_id_or_alias(Candidate.objects.filter(company=ctx.company), value, label="Candidate")


@router.get("/notes", response=paged("notes", schemas.NoteOut))
def list_notes(request, query: Query[schemas.NotesQuery]):
    """A candidate's notes, newest first (private ones only for their author and admins)."""
    ctx: AuthContext = request.auth
    ctx.require("view_candidates")
    candidate = _candidate(ctx, query.candidate_id)
    queryset = selectors.candidate_notes(company=ctx.company, user=ctx.user, role=ctx.role, candidate=candidate)
    page = paginate(queryset, key="notes", page=query.page, size=query.size)
    page["notes"] = [note_out(n, query.include) for n in page["notes"]]
    return page


@router.post("/notes", response={201: schemas.NoteOut})
def create_note(request, payload: schemas.NoteIn, query: Query[schemas.IncludeQuery]):
    """Add a note; mentioned users are emailed."""
    ctx: AuthContext = request.auth
    ctx.require("write_notes")
    author = None
    if payload.user_id is not None:
        author = account_selectors.get_company_user(company=ctx.company, user_id=payload.user_id)
    note = services.create_note(
        company=ctx.company,
        actor=ctx.user,
        actor_role=ctx.role,
        candidate=_candidate(ctx, payload.candidate_id),
        body=payload.body,
        author=author,
        visibility=payload.visibility,
        mention_user_ids=payload.mention_user_ids,
    )
    return 201, note_out(note, query.include)


@router.get("/notes/{int:id}", response=schemas.NoteOut)
def get_note(request, id: int, query: Query[schemas.IncludeQuery]):
    ctx: AuthContext = request.auth
    ctx.require("view_candidates")
    return note_out(selectors.get_note(company=ctx.company, user=ctx.user, role=ctx.role, note_id=id), query.include)


@router.put("/notes/{int:id}", response=schemas.NoteOut)
def update_note(request, id: int, payload: schemas.NoteUpdateIn, query: Query[schemas.IncludeQuery]):
    """Edit the supplied fields (author or admin)."""
    ctx: AuthContext = request.auth
    ctx.require("write_notes")
    note = selectors.get_note(company=ctx.company, user=ctx.user, role=ctx.role, note_id=id)
    note = services.update_note(
        company=ctx.company,
        actor=ctx.user,
        actor_role=ctx.role,
        note=note,
        changes=payload.dict(exclude_unset=True, exclude_none=True),
    )
    return note_out(note, query.include)


@router.delete("/notes/{int:id}", response={204: None})
def delete_note(request, id: int):
    ctx: AuthContext = request.auth
    ctx.require("write_notes")
    note = selectors.get_note(company=ctx.company, user=ctx.user, role=ctx.role, note_id=id)
    services.delete_note(company=ctx.company, actor=ctx.user, actor_role=ctx.role, note=note)
    return 204, None
