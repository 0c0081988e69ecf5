"""A generic API test kit (NetBox style): the behaviour every resource shares, tested once per resource.

Subclass `ResourceKit` in a test module with a name starting with `Test`, say what the resource is,
and pytest collects a test per convention (list, pagination, summary view, query count, get by id
and alias, create, update, delete, 401 without a token, 415 for a form body, 404 for another
company's object, validation errors in the envelope)::

    from hireloop.core.testing.api_kit import ResourceKit

    class TestCandidatesResource(ResourceKit):
        url = "/candidates"                 # list URL, relative to /api/v2
        key = "candidates"                  # the list's wrapper key
        alias_field = "alias"               # when {id} also accepts an alias
        create_payload = {"first_name": "Ada", "last_name": "Lovelace"}
        invalid_payload = ({"first_name": ""}, "first_name")  # (body, field named in validation_errors)
        update_payload = {"first_name": "Grace"}
        list_max_queries = 4                # endpoint queries for a page of several rows

        def make(self, tenant):
            # one object in tenant.company (called for the caller's company and for another one)
            return CandidateFactory(company=tenant.company)

Switch off what a resource does not offer with `can_get`, `can_create`, `can_update`,
`can_delete`, `has_summary_view` (all True by default). Hooks for the unusual:

- `prepare_tenant(tenant)`: adjust the calling company before each test (e.g. make it an agency);
- `detail_url(obj)`: where one object lives (default `f"{url}/{obj.pk}"`);
- `create_status` / `delete_status`: 201 / 200 by default; `update_method`: "put" by default;
- `check_created(tenant, body)`, `check_updated(tenant, obj, body)`, `check_deleted(tenant, obj, response)`:
  assertions after a write (default: the body echoes the payload; a deleted object answers 404).

Every test uses the `tenant` and `other_tenant` fixtures of src/hireloop/conftest.py. The assertion
helpers `assert_error`, `assert_page` and `ids` are usable on their own in specific tests.
"""

from typing import Any, ClassVar

import pytest
from django.test.utils import override_settings

from hireloop.core.testing.client import ApiClient, Tenant

ERROR_KEYS = {"name", "message", "code", "status"}


def assert_error(response, status: int, *, name: str | None = None, fields: list[str] | tuple = ()) -> dict:
    """The response is the error envelope with `status` (and `name`, and a message for each of `fields`)."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) >= ERROR_KEYS, error
    assert error["status"] == status
    assert isinstance(error["message"], str)
    assert isinstance(error["code"], int)
    if name is not None:
        assert error["name"] == name, error
    for field in fields:
        assert field in error.get("validation_errors", {}), error
        assert isinstance(error["validation_errors"][field], str) and error["validation_errors"][field], error
    return error


def assert_page(response, key: str, *, page: int, size: int, total: int) -> list[dict]:
    """A 200 list in the 003 shape; returns its items."""
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert set(body) == {key, "pagination"}, list(body)
    expected_count = -(-total // size) if total else 0
    assert body["pagination"] == {"page_size": size, "page_count": expected_count, "page": page, "total_count": total}
    items = body[key]
    assert len(items) == max(0, min(size, total - (page - 1) * size))
    return items


def ids(items: list[dict]) -> list:
    return [item["id"] for item in items]


class ResourceKit:
    """Generic conventions of one API resource; see the module docstring."""

    url: ClassVar[str]
    key: ClassVar[str]
    alias_field: ClassVar[str | None] = None
    create_payload: ClassVar[dict | None] = None
    invalid_payload: ClassVar[tuple[dict, str] | None] = None
    update_payload: ClassVar[dict | None] = None
    can_get: ClassVar[bool] = True
    can_create: ClassVar[bool] = True
    can_update: ClassVar[bool] = True
    can_delete: ClassVar[bool] = True
    has_summary_view: ClassVar[bool] = True
    create_status: ClassVar[int] = 201
    delete_status: ClassVar[int] = 200
    update_method: ClassVar[str] = "put"
    list_max_queries: ClassVar[int] = 5
    list_rows: ClassVar[int] = 3

    # --- hooks -----------------------------------------------------------------------------

    def make(self, tenant: Tenant) -> Any:
        raise NotImplementedError("ResourceKit.make(tenant) must create one object in tenant.company")

    def prepare_tenant(self, tenant: Tenant) -> None:
        """Adjust the calling company before a test (no-op by default)."""

    def detail_url(self, obj: Any) -> str:
        return f"{self.url}/{obj.pk}"

    def payload_for_create(self, tenant: Tenant) -> dict:
        return dict(self.create_payload or {})

    def check_created(self, tenant: Tenant, body: dict) -> None:
        _assert_echoes(body, self.payload_for_create(tenant))

    def check_updated(self, tenant: Tenant, obj: Any, body: dict) -> None:
        _assert_echoes(body, self.update_payload or {})

    def check_deleted(self, tenant: Tenant, obj: Any, response) -> None:
        if self.can_get:
            assert_error(tenant.api.get(self.detail_url(obj)), 404, name="Not Found")

    # --- fixtures --------------------------------------------------------------------------

    @pytest.fixture
    def caller(self, tenant: Tenant) -> Tenant:
        self.prepare_tenant(tenant)
        return tenant

    @pytest.fixture
    def stranger(self, other_tenant: Tenant) -> Tenant:
        self.prepare_tenant(other_tenant)
        return other_tenant

    def _skip_unless(self, flag: bool, what: str) -> None:
        if not flag:
            pytest.skip(f"{type(self).__name__} has no {what}")

    def _total(self, tenant: Tenant) -> int:
        response = tenant.api.get(self.url)
        assert response.status_code == 200, response.content[:500]
        return response.json()["pagination"]["total_count"]

    # --- list ------------------------------------------------------------------------------

    def test_kit_list_pages_through_the_company_objects_only(self, caller, stranger):
        foreign = self.make(stranger)
        before = self._total(caller)
        made = [self.make(caller) for _ in range(self.list_rows)]
        total = before + len(made)

        first = assert_page(caller.api.get(self.url, {"size": 2}), self.key, page=1, size=2, total=total)
        second = assert_page(caller.api.get(self.url, {"size": 2, "page": 2}), self.key, page=2, size=2, total=total)
        everything = assert_page(caller.api.get(self.url, {"size": 100}), self.key, page=1, size=100, total=total)

        assert not set(ids(first)) & set(ids(second)), "pages overlap"
        assert {obj.pk for obj in made} <= set(ids(everything))
        assert foreign.pk not in ids(everything)

    def test_kit_list_page_past_the_end_is_empty(self, caller):
        total = self._total(caller)
        assert_page(caller.api.get(self.url, {"page": 999}), self.key, page=999, size=20, total=total)

    @pytest.mark.parametrize("query,field", [({"size": 0}, "size"), ({"size": 101}, "size"), ({"page": 0}, "page")])
    def test_kit_list_rejects_bad_paging(self, caller, query, field):
        assert_error(caller.api.get(self.url, query), 400, name="Validation Error", fields=[field])

    def test_kit_list_summary_view(self, caller):
        self._skip_unless(self.has_summary_view, "summary view")
        self.make(caller)
        response = caller.api.get(self.url, {"view": "summary"})
        assert response.status_code == 200, response.content[:500]
        assert all("id" in item for item in response.json()[self.key])
        assert_error(caller.api.get(self.url, {"view": "everything"}), 400, name="Validation Error", fields=["view"])

    def test_kit_list_query_count_is_pinned(self, caller, django_assert_max_num_queries):
        for _ in range(self.list_rows):
            self.make(caller)
        caller.api.get(self.url)  # warm the credential cache
        with override_settings(RATE_LIMIT_ENABLED=False), django_assert_max_num_queries(self.list_max_queries):
            response = caller.api.get(self.url, {"size": 100})
        assert response.status_code == 200

    def test_kit_list_needs_a_token(self, caller):
        response = ApiClient().get(self.url)
        assert_error(response, 401, name="Unauthorized")

    def test_kit_list_with_an_invalid_token_is_401(self, caller):
        assert_error(ApiClient("hl_deadbeef_not-a-real-key").get(self.url), 401, name="Unauthorized")

    # --- one object ------------------------------------------------------------------------

    def test_kit_get_by_id(self, caller):
        self._skip_unless(self.can_get, "detail endpoint")
        obj = self.make(caller)
        response = caller.api.get(self.detail_url(obj))
        assert response.status_code == 200, response.content[:500]
        assert response.json()["id"] == obj.pk

    def test_kit_get_by_alias(self, caller):
        self._skip_unless(self.can_get and bool(self.alias_field), "alias")
        obj = self.make(caller)
        alias = getattr(obj, self.alias_field)
        response = caller.api.get(f"{self.url}/{alias}")
        assert response.status_code == 200, response.content[:500]
        assert response.json()["id"] == obj.pk

    def test_kit_get_unknown_id_is_404(self, caller):
        self._skip_unless(self.can_get, "detail endpoint")
        assert_error(caller.api.get(f"{self.url}/987654321"), 404, name="Not Found")

    def test_kit_objects_of_another_company_are_404(self, caller, stranger):
        foreign = self.make(stranger)
        url = self.detail_url(foreign)
        if self.can_get:
            assert_error(caller.api.get(url), 404, name="Not Found")
        if self.can_update:
            assert_error(caller.api.request(self.update_method, url, self.update_payload or {}), 404, name="Not Found")
        if self.can_delete:
            assert_error(caller.api.delete(url), 404, name="Not Found")
        if self.can_get:  # untouched for its owner
            assert stranger.api.get(url).status_code == 200

    def test_kit_detail_needs_a_token(self, caller):
        self._skip_unless(self.can_get, "detail endpoint")
        obj = self.make(caller)
        assert_error(ApiClient().get(self.detail_url(obj)), 401, name="Unauthorized")

    # --- writes ----------------------------------------------------------------------------

    def test_kit_create(self, caller):
        self._skip_unless(self.can_create, "create endpoint")
        before = self._total(caller)
        response = caller.api.post(self.url, self.payload_for_create(caller))
        assert response.status_code == self.create_status, response.content[:500]
        body = response.json()
        assert isinstance(body["id"], int)
        self.check_created(caller, body)
        assert self._total(caller) == before + 1

    def test_kit_create_validation_errors_name_the_field(self, caller):
        self._skip_unless(self.can_create and self.invalid_payload is not None, "invalid payload")
        payload, field = self.invalid_payload
        before = self._total(caller)
        assert_error(caller.api.post(self.url, payload), 400, name="Validation Error", fields=[field])
        assert self._total(caller) == before

    def test_kit_create_with_a_form_body_is_415(self, caller):
        self._skip_unless(self.can_create, "create endpoint")
        response = caller.api.post(self.url, raw=b"name=x", content_type="application/x-www-form-urlencoded")
        assert_error(response, 415, name="Unsupported Media Type")

    def test_kit_create_with_malformed_json_is_400(self, caller):
        self._skip_unless(self.can_create, "create endpoint")
        assert_error(caller.api.post(self.url, raw=b'{"name": '), 400, name="Bad Request")

    def test_kit_create_needs_a_token(self, caller):
        self._skip_unless(self.can_create, "create endpoint")
        assert_error(ApiClient().post(self.url, self.payload_for_create(caller)), 401, name="Unauthorized")

    def test_kit_update(self, caller):
        self._skip_unless(self.can_update, "update endpoint")
        obj = self.make(caller)
        response = caller.api.request(self.update_method, self.detail_url(obj), self.update_payload or {})
        assert response.status_code == 200, response.content[:500]
        assert response.json()["id"] == obj.pk
        self.check_updated(caller, obj, response.json())

    def test_kit_update_with_a_form_body_is_415(self, caller):
        self._skip_unless(self.can_update, "update endpoint")
        obj = self.make(caller)
        response = caller.api.request(
            self.update_method, self.detail_url(obj), raw=b"a=b", content_type="application/x-www-form-urlencoded"
        )
        assert_error(response, 415, name="Unsupported Media Type")

    def test_kit_delete(self, caller):
        self._skip_unless(self.can_delete, "delete endpoint")
        obj = self.make(caller)
        response = caller.api.delete(self.detail_url(obj))
        assert response.status_code == self.delete_status, response.content[:500]
        self.check_deleted(caller, obj, response)

    def test_kit_writes_need_a_token(self, caller):
        obj = self.make(caller)
        if self.can_update:
            response = ApiClient().request(self.update_method, self.detail_url(obj), self.update_payload or {})
            assert_error(response, 401, name="Unauthorized")
        if self.can_delete:
            assert_error(ApiClient().delete(self.detail_url(obj)), 401, name="Unauthorized")


def _assert_echoes(body: dict, payload: dict) -> None:
    for field, value in payload.items():
        if field in body and not isinstance(value, dict):
            assert body[field] == value, (field, body[field], value)
