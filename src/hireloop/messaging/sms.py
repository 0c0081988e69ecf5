"""SMS providers behind one interface: the outbox (embedded default) and Twilio."""

import logging
from dataclasses import dataclass

import phonenumbers

from hireloop.core.errors import ValidationFailed
from hireloop.messaging import conf

logger = logging.getLogger("hireloop.messaging.sms")


class SmsError(Exception):
    """The provider refused or could not take the message; `retryable` says whether to try again."""

    def __init__(self, message: str, *, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable


@dataclass
class SmsResult:
    provider_id: str
    from_number: str


def normalize_phone(value: str, *, field: str = "to_phone") -> str:
    """E.164 (+15551234567) or a 400 naming the field."""
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        raise ValidationFailed({field: "Must be a phone number in E.164 format, e.g. +15551234567."}) from None
    if not phonenumbers.is_possible_number(parsed):
        raise ValidationFailed({field: "Must be a phone number in E.164 format, e.g. +15551234567."})
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class OutboxSmsProvider:
    """Keeps SMS in the messages table only (status sent) and logs them; no network."""

    name = "outbox"

    def send(self, *, to_phone: str, body: str, message_id: int) -> SmsResult:
        logger.info("outbox sms %s -> %s (%d chars)", message_id, to_phone, len(body))
        return SmsResult(provider_id=f"outbox-{message_id}", from_number=conf.get("TWILIO_FROM_NUMBER", "") or "")


class TwilioSmsProvider:
    """Twilio's Messages API through the official SDK (TWILIO_API_BASE_URL overrides the host)."""

    name = "twilio"

    def __init__(self) -> None:
        from django.core.exceptions import ImproperlyConfigured

        self.account_sid = conf.get("TWILIO_ACCOUNT_SID")
        self.auth_token = conf.get("TWILIO_AUTH_TOKEN")
        self.from_number = conf.get("TWILIO_FROM_NUMBER")
        if not (self.account_sid and self.auth_token and self.from_number):
            raise ImproperlyConfigured(
                "SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER."
            )
        self.base_url = conf.get("TWILIO_API_BASE_URL")

    def client(self):
        from twilio.rest import Client

        client = Client(self.account_sid, self.auth_token)
        if self.base_url:
            client.api.base_url = self.base_url.rstrip("/")
        return client

    def send(self, *, to_phone: str, body: str, message_id: int) -> SmsResult:
        from twilio.base.exceptions import TwilioRestException

        try:
            sent = self.client().messages.create(to=to_phone, from_=self.from_number, body=body)
        except TwilioRestException as exc:
            # 4xx other than 429 will not get better by retrying (bad number, opted out at carrier, ...).
            retryable = exc.status == 429 or exc.status >= 500
            raise SmsError(f"Twilio error {exc.code or exc.status}: {exc.msg}", retryable=retryable) from None
        except Exception as exc:  # network errors
            raise SmsError(f"Twilio unreachable: {type(exc).__name__}") from None
        return SmsResult(provider_id=sent.sid, from_number=self.from_number)


def get_provider():
    name = (conf.get("SMS_PROVIDER", "outbox") or "outbox").lower()
    if name == "outbox":
        return OutboxSmsProvider()
    if name == "twilio":
        return TwilioSmsProvider()
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SMS_PROVIDER must be 'outbox' or 'twilio'.")
