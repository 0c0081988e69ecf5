"""The generic API conventions (core.testing.api_kit) applied to the accounts resources."""

import itertools

from hireloop.accounts import services
from hireloop.accounts.models import ApiKey, Company
from hireloop.core.testing.api_kit import ResourceKit, assert_page

_seq = itertools.count()


class TestApiKeysResource(ResourceKit):
    url = "/api-keys"
    key = "api_keys"
    can_get = False
    can_update = False
    create_payload = {"name": "nightly sync", "scopes": ["read"]}
    invalid_payload = ({"name": ""}, "name")
    list_max_queries = 2

    def make(self, tenant):
        return services.create_api_key(company=tenant.company, actor=tenant.user, name=f"key {next(_seq)}").api_key

    def detail_url(self, obj):
        return f"/api-keys/{obj.pk}"

    def check_created(self, tenant, body):
        assert set(body) == {"id", "name", "prefix", "scopes", "created_at", "key"}
        assert body["name"] == "nightly sync" and body["scopes"] == ["read"]
        assert body["key"].startswith(f"hl_{body['prefix']}_")
        assert ApiKey.objects.get(pk=body["id"]).company == tenant.company

    def check_deleted(self, tenant, obj, response):
        # DELETE revokes: the key stays listed, inactive, and its secret never reappears.
        assert response.json()["revoked_at"] is not None and response.json()["is_active"] is False
        listed = tenant.api.get(self.url, {"size": 100}).json()["api_keys"]
        row = next(item for item in listed if item["id"] == obj.pk)
        assert row["is_active"] is False and "key" not in row


class TestUsersResource(ResourceKit):
    url = "/users"
    key = "users"
    can_create = can_update = can_delete = False
    list_max_queries = 3  # count, members, their default mail accounts

    def make(self, tenant):
        return tenant.member("recruiter").user


class TestCompaniesResource(ResourceKit):
    url = "/companies"
    key = "companies"
    create_payload = {
        "name": "Client Co",
        "company_owner_email": "owner@client.example",
        "company_owner_name": "Olga Owner",
        "website": "https://client.example",
    }
    invalid_payload = (
        {"name": "Client Co", "company_owner_email": "not-an-email", "company_owner_name": "Olga"},
        "company_owner_email",
    )
    update_payload = {"name": "Renamed Client", "website": "https://renamed.example"}
    list_max_queries = 2

    def prepare_tenant(self, tenant):
        tenant.company.is_staffing_agency = True
        tenant.company.save(update_fields=["is_staffing_agency"])

    def make(self, tenant):
        n = next(_seq)
        return services.create_partner_company(
            agency=tenant.company,
            actor=tenant.user,
            name=f"Client {n}",
            company_owner_email=f"owner{n}@client.example",
            company_owner_name=f"Owner {n}",
            base_url="http://testserver",
        )

    def check_created(self, tenant, body):
        super().check_created(tenant, body)
        company = Company.objects.get(pk=body["id"])
        assert company.agency == tenant.company and body["agency_id"] == tenant.company.pk

    def check_deleted(self, tenant, obj, response):
        super().check_deleted(tenant, obj, response)
        assert response.json()["is_deleted"] is True
        obj.refresh_from_db()
        assert obj.deleted_at is not None  # soft delete: the row stays, restorable


def test_kit_helpers_accept_an_empty_list(tenant):
    assert_page(tenant.api.get("/audit-log", {"kind": "nothing.yet"}), "events", page=1, size=20, total=0)
