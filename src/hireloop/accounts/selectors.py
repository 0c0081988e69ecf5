"""Reusable reads of accounts, always scoped to what the caller may see."""

from django.db.models import QuerySet

from hireloop.accounts.models import ApiKey, Company, Membership, User
from hireloop.core.errors import NotFound


def team_members(*, company: Company) -> QuerySet[Membership]:
    return Membership.objects.filter(company=company).select_related("user").order_by("user__first_name", "user_id")


def get_member(*, company: Company, user_id: int) -> Membership:
    membership = team_members(company=company).filter(user_id=user_id).first()
    if membership is None:
        raise NotFound("User not found")
    return membership


def get_company_user(*, company: Company, user_id: int) -> User:
    """A user of `company` (any other id is a 404)."""
    return get_member(company=company, user_id=user_id).user


def api_keys(*, company: Company, user: User | None = None) -> QuerySet[ApiKey]:
    keys = ApiKey.objects.filter(company=company).order_by("-created_at", "-pk")
    return keys if user is None else keys.filter(user=user)


def accessible_companies(*, user: User) -> QuerySet[Company]:
    return (
        Company.objects.alive()
        .filter(memberships__user=user, memberships__is_active=True)
        .distinct()
        .order_by("name", "pk")
    )


def get_accessible_company(*, user: User, company_id: int) -> Company:
    company = accessible_companies(user=user).filter(pk=company_id).first()
    if company is None:
        raise NotFound("Company not found")
    return company


def get_client_company(*, agency: Company, company_id: int, include_deleted: bool = False) -> Company:
    """A partner company created by `agency` (deleted ones too when asked)."""
    companies = Company.objects.filter(agency=agency, pk=company_id)
    if not include_deleted:
        companies = companies.alive()
    company = companies.first()
    if company is None:
        raise NotFound("Company not found")
    return company
