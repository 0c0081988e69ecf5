from functools import cache

import factory
from django.contrib.auth.hashers import make_password

from hireloop.accounts import tokens
from hireloop.accounts.models import ApiKey, Company, Membership, Role, User


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")


TEST_PASSWORD = "correct horse battery"


@cache
def _test_password_hash() -> str:
    # Argon2 is slow on purpose; hash the shared test password once per process.
    return make_password(TEST_PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.LazyFunction(_test_password_hash)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    role = Role.ADMIN


def make_api_key(*, user: User, company: Company, scopes=("read", "write")) -> str:
    new = tokens.generate_api_key()
    ApiKey.objects.create(
        company=company, user=user, name="test", prefix=new.prefix, key_hash=new.key_hash, scopes=list(scopes)
    )
    return new.key
