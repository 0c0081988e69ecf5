"""Unit behaviour of the shared helpers: times, pagination, aliases, files, permissions."""

import base64
from datetime import UTC, datetime

import pytest
import time_machine

from hireloop.accounts.models import Company
from hireloop.core import aliases, files, pagination, permissions, times
from hireloop.core.errors import NotFound, ValidationFailed

# --- times ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,expected",
    [
        (1893456000, datetime(2030, 1, 1, tzinfo=UTC)),
        ("1893456000", datetime(2030, 1, 1, tzinfo=UTC)),
        ("2030-01-01T00:00:00Z", datetime(2030, 1, 1, tzinfo=UTC)),
        ("2030-01-01T02:00:00.987+02:00", datetime(2030, 1, 1, tzinfo=UTC)),
        (None, None),
        ("", None),
    ],
)
def test_parse_time_accepts_unix_seconds_and_iso_8601(value, expected):
    assert times.parse_time(value, field="t") == expected


@pytest.mark.parametrize(
    "value,message",
    [
        ("-5", "(>= 0)"),
        ("1893456000000", "milliseconds"),
        ("2030-01-01T00:00:00", "timezone offset"),
        ("next tuesday", "ISO-8601"),
    ],
)
def test_parse_time_errors_name_the_field(value, message):
    with pytest.raises(ValidationFailed) as caught:
        times.parse_time(value, field="updated_after")
    assert message in caught.value.validation_errors["updated_after"]


def test_to_unix():
    assert times.to_unix(datetime(2030, 1, 1, tzinfo=UTC)) == 1893456000
    assert times.to_unix(None) is None


# --- pagination ------------------------------------------------------------------------------------


def test_paginate_a_list():
    page = pagination.paginate(list(range(45)), key="things", page=3, size=20)
    assert page == {
        "things": list(range(40, 45)),
        "pagination": {"page_size": 20, "page_count": 3, "page": 3, "total_count": 45},
    }


def test_paginate_empty_and_past_the_end():
    assert pagination.paginate([], key="x", page=1, size=20)["pagination"]["page_count"] == 0
    assert pagination.paginate([1], key="x", page=5, size=20)["x"] == []


def test_sync_filters(db):
    with time_machine.travel("2030-01-01 00:00Z", tick=False):
        old = Company.objects.create(name="old", slug="old")
    with time_machine.travel("2030-06-01 00:00Z", tick=False):
        new = Company.objects.create(name="new", slug="new")
    query = pagination.SyncQuery(created_after="2030-03-01T00:00:00Z")
    assert list(pagination.apply_sync_filters(Company.objects.all(), query)) == [new]
    query = pagination.SyncQuery(updated_after=str(int(datetime(2029, 1, 1, tzinfo=UTC).timestamp())))
    assert set(pagination.apply_sync_filters(Company.objects.all(), query)) == {old, new}
    with pytest.raises(ValidationFailed):
        pagination.apply_sync_filters(Company.objects.all(), pagination.SyncQuery(created_after="soon"))


def test_paged_schema_is_shared_per_key_and_item():
    from hireloop.accounts.schemas import UserOut

    assert pagination.paged("users", UserOut) is pagination.paged("users", UserOut)
    assert set(pagination.paged("users", UserOut).model_fields) == {"users", "pagination"}


# --- aliases ----------------------------------------------------------------------------------------


def test_new_alias_is_short_url_safe_and_never_numeric():
    generated = {aliases.new_alias() for _ in range(500)}
    assert len(generated) == 500
    for alias in generated:
        assert len(alias) == 7 and not alias.isdigit()
        assert set(alias) <= set(aliases.ALPHABET)
        assert not set(alias) & set("0O1lI")  # no look-alikes


def test_get_by_id_or_alias(db):
    company = Company.objects.create(name="A", slug="a")
    assert aliases.get_by_id_or_alias(Company.objects.all(), str(company.pk), label="Company") == company
    assert aliases.get_by_id_or_alias(Company.objects.all(), company.pk, label="Company") == company
    with pytest.raises(NotFound, match="Company not found"):
        aliases.get_by_id_or_alias(Company.objects.all(), "9" * 30, label="Company")
    with pytest.raises(NotFound):
        aliases.get_by_id_or_alias(Company.objects.exclude(pk=company.pk), company.pk, label="Company")


# --- files ------------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def file_data(content: bytes, name="cv.pdf", mime="application/pdf", **extra):
    return files.FileData(data=base64.b64encode(content).decode(), file_name=name, mime_type=mime, **extra)


def test_decode_file_sniffs_the_real_type():
    decoded = files.decode_file(file_data(PDF, name="../../etc/cv.PDF", mime="image/png"))
    assert (decoded.mime_type, decoded.declared_mime_type) == ("application/pdf", "image/png")
    assert (decoded.file_name, decoded.extension, decoded.size) == ("cv.PDF", "pdf", len(PDF))


def test_decode_file_accepts_data_urls_and_text():
    payload = files.FileData(
        data="data:text/plain;base64," + base64.b64encode(b"hello").decode(), file_name="a.txt", mime_type="text/plain"
    )
    assert files.decode_file(payload).mime_type == "text/plain"


@pytest.mark.parametrize(
    "payload,field",
    [
        (files.FileData(data="***", file_name="a", mime_type="x"), "cv.data"),
        (files.FileData(data="", file_name="a", mime_type="x"), "cv.data"),
        (file_data(PDF, size=3), "cv.size"),
    ],
)
def test_decode_file_errors_name_the_field(payload, field):
    with pytest.raises(ValidationFailed) as caught:
        files.decode_file(payload, field="cv")
    assert field in caught.value.validation_errors


def test_decode_file_enforces_the_size_limit():
    with pytest.raises(ValidationFailed, match="larger than"):
        files.decode_file(file_data(b"x" * 3 * 1024 * 1024), field="cv", max_bytes=1024 * 1024)


# --- permissions ------------------------------------------------------------------------------------


def test_role_table():
    assert permissions.has_permission("admin", "manage_api_keys")
    assert not permissions.has_permission("interviewer", "manage_api_keys")
    assert not permissions.has_permission("hiring_manager", "manage_billing")
    assert not permissions.has_permission(None, "view_team")
    with pytest.raises(KeyError, match="add it to core.permissions"):
        permissions.has_permission("admin", "launch_rockets")
