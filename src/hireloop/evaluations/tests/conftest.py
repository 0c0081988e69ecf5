import pytest

from hireloop.interviews.tests.helpers import make_application

SCORECARD = {
    "name": "Backend scorecard",
    "questions": [
        {"text": "System design", "type": "rating", "required": True, "weight": 2},
        {"text": "Coding", "type": "skill_rating", "required": True, "weight": 1},
        {"text": "Would work with again?", "type": "yes_no", "required": False},
        {"text": "Seniority", "type": "single_choice", "options": ["junior", "mid", "senior"]},
        {"text": "Notes", "type": "text", "section": "Summary"},
    ],
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Test users need no Argon2 cost; the hasher is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def application(tenant):
    return make_application(tenant.company)


@pytest.fixture
def template(tenant):
    response = tenant.api.post("/evaluation-form-templates", SCORECARD)
    assert response.status_code == 201, response.content
    return response.json()
