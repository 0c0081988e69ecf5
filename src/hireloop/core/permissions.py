"""Who may do what: one table from role to permissions, checked through AuthContext.require().

Roles: admin, recruiter, hiring_manager, interviewer. Apps add their permissions here so
the whole policy reads in one place.
"""

ADMIN = "admin"
RECRUITER = "recruiter"
HIRING_MANAGER = "hiring_manager"
INTERVIEWER = "interviewer"

_ALL_ROLES = {ADMIN, RECRUITER, HIRING_MANAGER, INTERVIEWER}
_STAFF = {ADMIN, RECRUITER}

PERMISSIONS: dict[str, set[str]] = {
    # company administration
    "manage_company": {ADMIN},
    "manage_team": {ADMIN},
    "manage_api_keys": {ADMIN, RECRUITER},
    "manage_billing": {ADMIN},
    "manage_webhooks": {ADMIN},
    "manage_partner_companies": {ADMIN},
    "view_audit_log": {ADMIN},
    "view_team": _ALL_ROLES,
    # recruiting data
    "view_candidates": _ALL_ROLES,
    "manage_candidates": _STAFF | {HIRING_MANAGER},
    "delete_candidates": _STAFF,
    "view_jobs": _ALL_ROLES,
    "manage_jobs": _STAFF | {HIRING_MANAGER},
    "manage_pipeline": _STAFF,
    "view_applications": _ALL_ROLES,
    "manage_applications": _STAFF | {HIRING_MANAGER},
    "send_messages": _STAFF | {HIRING_MANAGER},
    "manage_templates": _STAFF,
    "write_notes": _ALL_ROLES,
    "schedule_interviews": _STAFF | {HIRING_MANAGER},
    "evaluate": _ALL_ROLES,
    "manage_evaluation_templates": _STAFF,
    "view_all_evaluations": {ADMIN, HIRING_MANAGER},
    "view_references": _STAFF | {HIRING_MANAGER},
    "manage_references": _STAFF,
    "view_analytics": _STAFF | {HIRING_MANAGER},
    "send_feedback": _ALL_ROLES,
}


def has_permission(role: str | None, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}: add it to core.permissions.PERMISSIONS")
    return role in PERMISSIONS[permission]
