"""List conventions of 003: page/size/view in, {"<resource>": [...], "pagination": {...}} out."""

import math
from functools import cache
from typing import Any, Literal

from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import create_model

from hireloop.core.times import parse_time

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class Pagination(Schema):
    page_size: int
    page_count: int
    page: int
    total_count: int


class ListQuery(Schema):
    """Query parameters every list endpoint accepts."""

    page: int = Field(1, ge=1, description="Page number (1-based).")
    size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page (1-100).")
    view: Literal["full", "summary"] = Field("full", description="summary omits heavy fields.")


class SyncQuery(ListQuery):
    """List query with incremental-sync filters (unix seconds or ISO-8601)."""

    created_after: str | None = Field(None, description="Unix seconds or ISO-8601 with offset.")
    updated_after: str | None = Field(None, description="Unix seconds or ISO-8601 with offset.")


def apply_sync_filters(queryset: QuerySet, query: SyncQuery) -> QuerySet:
    created_after = parse_time(query.created_after, field="created_after")
    updated_after = parse_time(query.updated_after, field="updated_after")
    if created_after:
        queryset = queryset.filter(created_at__gte=created_after)
    if updated_after:
        queryset = queryset.filter(updated_at__gte=updated_after)
    return queryset


def paginate(queryset: QuerySet | list, *, key: str, page: int, size: int) -> dict[str, Any]:
    """Slice one page and describe it. An ordered queryset is required for stable pages."""
    total = len(queryset) if isinstance(queryset, list) else queryset.count()
    start = (page - 1) * size
    items = list(queryset[start : start + size]) if total > start else []
    return {
        key: items,
        "pagination": {
            "page_size": size,
            "page_count": math.ceil(total / size) if total else 0,
            "page": page,
            "total_count": total,
        },
    }


@cache
def paged(key: str, item_schema: type) -> type[Schema]:
    """The response schema of a list endpoint: {key: [item_schema], pagination}."""
    name = f"{item_schema.__name__}Page"
    return create_model(name, __base__=Schema, **{key: (list[item_schema], ...), "pagination": (Pagination, ...)})
