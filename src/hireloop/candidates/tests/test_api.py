"""The candidate resource through the real API: the generic kit plus 003's specifics."""

from hireloop.candidates.tests.helpers import make_candidate
from hireloop.core.testing.api_kit import ResourceKit


class TestCandidatesResource(ResourceKit):
    url = "/candidates"
    key = "candidates"
    alias_field = "alias"
    create_payload = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada.kit@example.com"}
    invalid_payload = ({"first_name": "Ada", "email": "not-an-email"}, "email")
    update_payload = {"first_name": "Grace", "city": "Paris"}
    list_max_queries = 8

    def make(self, tenant):
        return make_candidate(tenant.company)

    def check_created(self, tenant, body):
        assert body["first_name"] == "Ada"
        assert body["emails"] == ["ada.kit@example.com"]
        assert body["alias"] and body["url_backoffice"].endswith(f"/app/candidates/{body['alias']}")
        assert body["applications"] == [] and body["profile"] == []

    def check_updated(self, tenant, obj, body):
        assert body["first_name"] == "Grace"
        assert body["city"] == "Paris" and body["timezone"] == "Europe/Paris"
