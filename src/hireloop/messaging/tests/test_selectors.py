"""Selectors other apps read: default_mail_account_id for GET /users/{id}."""

from hireloop.messaging.models import MailAccount
from hireloop.messaging.selectors import default_mail_account_id


def test_default_mail_account_is_the_users_mailbox_else_the_company_sender(tenant):
    company_sender = default_mail_account_id(tenant.user, tenant.company)
    assert MailAccount.objects.get(pk=company_sender).is_system is True
    first = MailAccount.objects.create(company=tenant.company, user=tenant.user, email="a@acme.example")
    assert default_mail_account_id(tenant.user, tenant.company) == first.pk
    chosen = MailAccount.objects.create(
        company=tenant.company, user=tenant.user, email="b@acme.example", is_default=True
    )
    assert default_mail_account_id(tenant.user, tenant.company) == chosen.pk
    assert default_mail_account_id(tenant.user, None) is None


def test_user_mail_accounts_of_another_company_are_404(api, other_tenant):
    assert api.get(f"/users/{other_tenant.user.pk}/mail-accounts").status_code == 404
    assert api.get(f"/companies/{other_tenant.company.pk}/mail-accounts").status_code == 404
    response = api.post(
        f"/users/{other_tenant.user.pk}/mail-accounts",
        {"email": "x@acme.example", "smtp_host": "127.0.0.1", "test_connection": False},
    )
    assert response.status_code == 404


def test_disconnect_erases_the_stored_password(api, tenant):
    created = api.post(
        f"/users/{tenant.user.pk}/mail-accounts",
        {"email": "x@acme.example", "smtp_host": "127.0.0.1", "smtp_password": "pw", "test_connection": False},
    ).json()
    response = api.delete(f"/mail-accounts/{created['id']}")
    assert response.status_code == 200
    assert response.json()["has_password"] is False
    assert api.get(f"/users/{tenant.user.pk}/mail-accounts").json()["mail_accounts"] == []
    system = api.get("/companies/mail-accounts").json()["mail_accounts"][0]
    assert api.delete(f"/mail-accounts/{system['id']}").status_code == 409


def test_get_user_shows_the_default_mail_account_usable_as_from_account_id(api, tenant, candidate):
    company_sender = api.get(f"/users/{tenant.user.pk}").json()["default_mail_account_id"]
    assert MailAccount.objects.get(pk=company_sender).is_system is True
    own = api.post(
        f"/users/{tenant.user.pk}/mail-accounts",
        {"email": "me@acme.example", "smtp_host": "127.0.0.1", "test_connection": False, "is_default": True},
    ).json()
    assert api.get(f"/users/{tenant.user.pk}").json()["default_mail_account_id"] == own["id"]
    listed = {u["id"]: u["default_mail_account_id"] for u in api.get("/users").json()["users"]}
    assert listed[tenant.user.pk] == own["id"]
    sent = api.post(
        f"/candidates/{candidate.pk}/messages",
        {"to": [candidate.email], "subject": "Hi", "body": "<p>Hi</p>", "from_account_id": own["id"]},
    )
    assert sent.status_code == 201
    assert sent.json()["from_account_id"] == own["id"]
