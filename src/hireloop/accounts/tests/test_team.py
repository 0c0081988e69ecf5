"""Team management (001 recruiters): invite, change role or active state, deactivate."""

import re

from django.core import mail
from django.test import TestCase

from hireloop.accounts.models import Membership, OneTimeKey, User
from hireloop.activity.models import Event
from hireloop.core.testing.client import ApiClient


def commit(call):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return call()


def test_invite_creates_the_account_and_emails_a_set_password_key(tenant, anon):
    r = commit(lambda: tenant.api.post("/users/invite", {"email": "New@Example.com", "role": "recruiter",
                                                          "first_name": "Nia"}))  # fmt: skip

    assert r.status_code == 201, r.content
    assert r.json()["email"] == "new@example.com" and r.json()["role"] == "recruiter"
    user = User.objects.get(email="new@example.com")
    assert Membership.objects.get(user=user, company=tenant.company).role == "recruiter"
    assert OneTimeKey.objects.filter(user=user, purpose="invitation").count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@example.com"]
    key = re.search(r"Key: (\S+)", mail.outbox[0].body).group(1)
    assert "/api/v2/auth/password-reset/confirm" in mail.outbox[0].body
    confirmed = anon.post(
        "/auth/password-reset/confirm", {"email": "new@example.com", "reset_key": key, "password": "A-long-pass-42"}
    )
    assert confirmed.status_code == 200
    assert anon.post("/auth/login", {"email": "new@example.com", "password": "A-long-pass-42"}).status_code == 200
    assert Event.objects.filter(kind="user.invited", company=tenant.company, subject_id=user.pk).exists()


def test_inviting_a_current_member_is_a_conflict(tenant):
    assert tenant.api.post("/users/invite", {"email": tenant.user.email}).status_code == 409
    assert tenant.api.post("/users/invite", {"email": "x@example.com", "role": "owner"}).status_code == 400


def test_only_admins_manage_the_team(tenant):
    recruiter = tenant.member("recruiter")

    assert recruiter.api.post("/users/invite", {"email": "x@example.com"}).status_code == 403
    assert recruiter.api.patch(f"/users/{tenant.user.pk}", {"role": "interviewer"}).status_code == 403
    assert recruiter.api.delete(f"/users/{tenant.user.pk}").status_code == 403


def test_patch_changes_role_and_active_state(tenant):
    member = tenant.member("recruiter")

    r = tenant.api.patch(f"/users/{member.user.pk}", {"role": "hiring_manager"})
    off = tenant.api.patch(f"/users/{member.user.pk}", {"is_active": False})

    assert r.status_code == 200 and r.json()["role"] == "hiring_manager"
    assert off.json()["is_active"] is False
    assert Membership.objects.get(user=member.user, company=tenant.company).is_active is False


def test_delete_deactivates_the_membership_and_keeps_the_history(tenant):
    member = tenant.member("recruiter")

    r = tenant.api.delete(f"/users/{member.user.pk}")

    assert r.status_code == 204
    membership = Membership.objects.get(user=member.user, company=tenant.company)
    assert membership.is_active is False
    assert User.objects.filter(pk=member.user.pk, is_active=True).exists()
    assert ApiClient(member.key).get("/users/me").status_code == 401  # the key no longer opens the company
    assert tenant.api.get(f"/users/{member.user.pk}").status_code == 200  # still listed, inactive
    assert Event.objects.filter(kind="user.deactivated", subject_id=member.user.pk).exists()


def test_the_last_admin_cannot_be_demoted_or_removed(tenant):
    assert tenant.api.patch(f"/users/{tenant.user.pk}", {"role": "recruiter"}).status_code == 409
    assert tenant.api.delete(f"/users/{tenant.user.pk}").status_code == 409
    tenant.member("admin")
    assert tenant.api.patch(f"/users/{tenant.user.pk}", {"role": "recruiter"}).status_code == 200


def test_another_companys_user_is_404(tenant, other_tenant):
    assert tenant.api.patch(f"/users/{other_tenant.user.pk}", {"role": "recruiter"}).status_code == 404
    assert tenant.api.delete(f"/users/{other_tenant.user.pk}").status_code == 404
