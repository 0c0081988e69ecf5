"""The one API at /api/v2/: every app contributes a Router from its api.py."""

from importlib import import_module
from importlib.util import find_spec

from hireloop.core.api import build_api

# Order matters where paths overlap: literal segments are registered before {id} patterns
# inside each router, and each path (all its methods) lives in exactly one router.
APPS = [
    "ai",  # first: its literal paths (/candidates/search) must win over /candidates/{id}
    "accounts",
    "activity",
    "candidates",
    "jobs",
    "applications",
    "interviews",
    "evaluations",
    "assessments",
    "references",
    "messaging",
    "notes",
    "webhooks",
    "analytics",
    "billing",
    "integrations",
    "compliance",
]

api = build_api()
for app in APPS:
    module_name = f"hireloop.{app}.api"
    if find_spec(f"hireloop.{app}") and find_spec(module_name):
        api.add_router("", import_module(module_name).router)
