"""Canonical forms of contact data: lower-cased emails, E.164 phones, LinkedIn profile aliases."""

import re
from urllib.parse import unquote, urlparse

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from hireloop.candidates.locations import country_code
from hireloop.core.errors import ValidationFailed


def email(value: str, *, field: str = "email") -> str:
    """A lower-cased, validated address ("" stays "")."""
    value = (value or "").strip().lower()
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationFailed({field: f"{value!r} is not a valid email address."}) from None
    return value


def phone(value: str, *, country: str = "", field: str = "phone") -> str:
    """E.164 when the number parses (with the candidate's country as the default region), else the digits as given."""
    value = (value or "").strip()
    if not value:
        return ""
    region = country_code(country) if country else None
    try:
        parsed = phonenumbers.parse(value, region or "US" if not value.startswith("+") else None)
        if phonenumbers.is_possible_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    digits = re.sub(r"[^\d+]", "", value)
    if len(re.sub(r"\D", "", digits)) < 5:
        raise ValidationFailed({field: f"{value!r} is not a phone number."})
    return digits[:40]


_LINKEDIN_PATH = re.compile(r"^/(?:in|pub)/([^/?#]+)", re.IGNORECASE)


def linkedin(value: str) -> str:
    """The profile alias of a LinkedIn URL or alias: https://www.linkedin.com/in/John-Doe/ -> john-doe."""
    value = (value or "").strip()
    if not value:
        return ""
    if "linkedin.com" in value.lower():
        url = value if "://" in value else "https://" + value
        match = _LINKEDIN_PATH.match(urlparse(url).path)
        value = match.group(1) if match else urlparse(url).path.strip("/").split("/")[-1]
    return unquote(value).strip("/ @").lower()[:200]
