"""Wire shapes of notes (map §15)."""

from ninja import Field, Schema

from hireloop.core.pagination import ListQuery
from hireloop.core.times import UnixTime


class NoteUserOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    full_name: str


class NoteOut(Schema):
    id: int
    candidate_id: int
    user_id: int | None
    body: str
    visibility: str
    mention_user_ids: list[int]
    user: NoteUserOut | None = None
    created_at: UnixTime
    updated_at: UnixTime


class NotesQuery(ListQuery):
    candidate_id: str = Field(..., description="Candidate id or alias")
    include: str | None = Field(None, description="user: add the author's details")


class IncludeQuery(Schema):
    include: str | None = None


class NoteIn(Schema):
    candidate_id: int | str
    body: str = Field(..., min_length=1)
    user_id: int | None = None
    visibility: str = "all"
    mention_user_ids: list[int] | None = None


class NoteUpdateIn(Schema):
    body: str | None = Field(None, min_length=1)
    visibility: str | None = None
