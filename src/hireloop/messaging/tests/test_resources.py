"""The generic API conventions for messaging resources (see core/testing/api_kit.py)."""

from datetime import timedelta

from django.utils import timezone

from hireloop.core.testing.api_kit import ResourceKit, assert_page
from hireloop.messaging.models import EmailTemplate
from hireloop.messaging.services import send_email


class TestEmailTemplatesResource(ResourceKit):
    url = "/email-templates"
    key = "email_templates"
    create_payload = {"name": "Invite", "subject": "Hi {{first_name}}", "body": "<p>Come by, {{first_name}}</p>"}
    invalid_payload = ({"name": "Invite", "subject": "Hi {{nickname}}", "body": "<p>x</p>"}, "subject")
    update_payload = {"subject": "Hello {{first_name}}"}
    delete_status = 204
    list_max_queries = 3

    def make(self, tenant):
        return EmailTemplate.objects.create(company=tenant.company, name="T", subject="S", body="<p>B</p>")

    def test_kit_list_page_past_the_end_is_empty(self, caller):
        # 25 per page by default here (map §12), not the usual 20
        total = self._total(caller)
        assert_page(caller.api.get(self.url, {"page": 999}), self.key, page=999, size=25, total=total)


class TestMessagesResource(ResourceKit):
    url = "/messages"
    key = "messages"
    can_create = False  # created per candidate: POST /candidates/{id}/messages
    update_payload = {"to": ["grace@example.com"], "subject": "Rescheduled", "body": "<p>See you at 11</p>"}
    list_max_queries = 3

    def make(self, tenant):
        later = timezone.now() + timedelta(days=1)
        return send_email(
            company=tenant.company, to=["ada@example.com"], subject="S", body_html="<p>B</p>", scheduled_at=later
        )

    def check_deleted(self, tenant, obj, response):
        # DELETE cancels: the message stays readable, cancelled
        assert response.json()["status"] == "cancelled"
        assert tenant.api.get(self.detail_url(obj)).json()["is_cancelable"] is False
