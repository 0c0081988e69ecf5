"""Short, random, URL-safe aliases for candidates and jobs (accepted wherever their id is)."""

import secrets

from django.db.models import Model, QuerySet

from hireloop.core.errors import NotFound

ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ALIAS_LENGTH = 7


def new_alias(length: int = ALIAS_LENGTH) -> str:
    """A random alias that always contains a letter, so it never looks like a numeric id."""
    while True:
        alias = "".join(secrets.choice(ALPHABET) for _ in range(length))
        if not alias.isdigit():
            return alias


def assign_alias(instance: Model, field: str = "alias") -> None:
    """Give an unsaved instance a unique alias (collisions are retried, they are rare)."""
    model = type(instance)
    while True:
        alias = new_alias()
        if not model._default_manager.filter(**{field: alias}).exists():
            setattr(instance, field, alias)
            return


def get_by_id_or_alias(queryset: QuerySet, value: str | int, *, label: str) -> Model:
    """Fetch one row by numeric id or alias from an already tenant-scoped queryset, else 404."""
    text = str(value).strip()
    lookup = {"pk": int(text)} if text.isdigit() else {"alias": text}
    if text.isdigit() and int(text) > 2**63 - 1:
        raise NotFound(f"{label} not found")
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise NotFound(f"{label} not found") from None
