import json
from dataclasses import dataclass, field

from django.test import Client

from hireloop.accounts.models import Company, User


class ApiClient:
    """A JSON client for /api/v2 that sends a bearer token (API key or JWT)."""

    prefix = "/api/v2"

    def __init__(self, token: str | None = None, **defaults):
        self.client = Client(**defaults)
        self.token = token

    def _headers(self, headers: dict | None) -> dict:
        result = {}
        if self.token:
            result["Authorization"] = f"Bearer {self.token}"
        result.update(headers or {})
        return result

    def _url(self, path: str) -> str:
        return path if path.startswith("/api/") or path.startswith("http") else self.prefix + path

    def request(
        self,
        method: str,
        path: str,
        body=None,
        *,
        headers: dict | None = None,
        raw: bytes | None = None,
        content_type: str = "application/json",
        query: dict | None = None,
    ):
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        kwargs = {"headers": self._headers(headers)}
        if method == "get":
            return self.client.get(self._url(path), query or {}, **kwargs)
        return getattr(self.client, method)(self._url(path), data=data, content_type=content_type, **kwargs)

    def get(self, path, query=None, **kw):
        return self.request("get", path, query=query, **kw)

    def post(self, path, body=None, **kw):
        return self.request("post", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("put", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("patch", path, body, **kw)

    def delete(self, path, body=None, **kw):
        return self.request("delete", path, body, **kw)


@dataclass
class Tenant:
    """A company with an admin user and an API key, ready to call the API."""

    company: Company
    user: User
    key: str
    api: ApiClient = field(repr=False)

    def member(self, role: str) -> "Tenant":
        """Another user of the same company with `role`, with their own key."""
        from hireloop.core.testing.factories import MembershipFactory, UserFactory, make_api_key

        user = UserFactory()
        MembershipFactory(user=user, company=self.company, role=role)
        key = make_api_key(user=user, company=self.company)
        return Tenant(company=self.company, user=user, key=key, api=ApiClient(key))
