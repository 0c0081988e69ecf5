"""Rejection reasons every company starts with."""

TRANSFERRED = "Transferred to another job"
REJECTION_REASONS = [
    "Not qualified",
    "Lacks required experience",
    "Better candidate selected",
    "Salary expectations too high",
    "Failed screening questions",
    "Did not show up for interview",
    "Withdrew application",
    "Position filled",
    "Position cancelled",
    "Not a culture fit",
    TRANSFERRED,
    "Other",
]
