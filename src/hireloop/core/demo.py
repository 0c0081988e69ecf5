"""`hireloop demo`: a realistic demo company; each app adds its part from its demo.py."""

from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec

from django.db import transaction

from hireloop.accounts import services as accounts
from hireloop.accounts.models import Company, Membership, Role, User

DEMO_EMAIL = "admin@demo.hireloop.local"
DEMO_PASSWORD = "hireloop-demo"
DEMO_COMPANY = "Acme Robotics (demo)"


TEAM = [
    ("rachel.recruiter@demo.hireloop.local", "Rachel", "Okafor", Role.RECRUITER),
    ("hank.manager@demo.hireloop.local", "Hank", "Lindqvist", Role.HIRING_MANAGER),
    ("ivy.interviewer@demo.hireloop.local", "Ivy", "Moreau", Role.INTERVIEWER),
]


@dataclass
class DemoResult:
    company: Company
    email: str
    password: str
    api_key: str


@transaction.atomic
def load_demo() -> DemoResult:
    user = User.objects.filter(email=DEMO_EMAIL).first()
    if user is None:
        company = accounts.create_company(
            name=DEMO_COMPANY,
            owner_email=DEMO_EMAIL,
            owner_password=DEMO_PASSWORD,
            owner_first_name="Dana",
            owner_last_name="Admin",
        )
        user = company.owner
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    else:
        company = Membership.objects.filter(user=user, role=Role.ADMIN).select_related("company").first().company
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    for email, first, last, role in TEAM:
        member, _ = User.objects.get_or_create(email=email, defaults={"first_name": first, "last_name": last})
        if not member.has_usable_password():
            member.set_password(DEMO_PASSWORD)
            member.save(update_fields=["password"])
        Membership.objects.get_or_create(user=member, company=company, defaults={"role": role})
    # Each app may ship demo.py with an idempotent load(company=..., admin=...).
    from hireloop.api import APPS

    for app in APPS:
        if find_spec(f"hireloop.{app}") and find_spec(f"hireloop.{app}.demo"):
            import_module(f"hireloop.{app}.demo").load(company=company, admin=user)
    created = accounts.create_api_key(company=company, actor=user, name="demo key")
    return DemoResult(company=company, email=DEMO_EMAIL, password=DEMO_PASSWORD, api_key=created.key)
