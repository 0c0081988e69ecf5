"""Values every company starts with: job statuses, taxonomies, the default pipeline and the boards."""

# Job statuses (GET /statuses): id, name, and whether the job is open to candidates on the careers page.
STATUSES = [
    (1, "Draft"),
    (2, "Public"),
    (3, "Internal"),
    (4, "On hold"),
    (5, "Closed"),
    (6, "Archived"),
]
PUBLISHED_STATUSES = {"Public", "Internal"}
# Statuses in which a job takes no new applications.
CLOSED_STATUSES = {"Closed", "Archived"}
# Allowed job status transitions (a status to itself is a no-op).
STATUS_TRANSITIONS = {
    "Draft": {"Public", "Internal", "Archived"},
    "Public": {"Internal", "On hold", "Closed", "Archived"},
    "Internal": {"Public", "On hold", "Closed", "Archived"},
    "On hold": {"Public", "Internal", "Closed", "Archived"},
    "Closed": {"Public", "Internal", "Archived"},
    "Archived": {"Draft"},
}

DEFAULT_STAGES = ["Applied", "Screening", "Interview", "Offer", "Hired"]

DEPARTMENTS = [
    "Engineering",
    "Product",
    "Design",
    "Sales",
    "Marketing",
    "Customer Success",
    "Operations",
    "Finance",
    "People",
    "Legal",
]
CATEGORIES = [
    "Engineering",
    "Data",
    "Design",
    "Product",
    "Marketing",
    "Sales",
    "Customer Support",
    "Operations",
    "Finance",
    "Human Resources",
    "Legal",
    "Administration",
    "Healthcare",
    "Education",
    "Other",
]
EDUCATION_LEVELS = [
    "Unspecified",
    "High school or equivalent",
    "Certification",
    "Vocational",
    "Associate degree",
    "Bachelor's degree",
    "Master's degree",
    "Doctorate",
    "Professional",
]
EMPLOYMENT_TYPES = ["Full-time", "Part-time", "Contract", "Temporary", "Internship", "Volunteer", "Other"]
EXPERIENCE_LEVELS = ["Internship", "Entry level", "Associate", "Mid-senior level", "Senior", "Director", "Executive"]

# Job boards (GET /boards). The careers page is Hireloop's own: a job is on it while Public.
CAREERS_BOARD = "careers"
BOARDS = [
    {"id": CAREERS_BOARD, "name": "Careers page", "is_free": True, "is_own": True},
    {"id": "indeed", "name": "Indeed", "is_free": True, "is_own": False},
    {"id": "linkedin", "name": "LinkedIn", "is_free": True, "is_own": False},
    {"id": "glassdoor", "name": "Glassdoor", "is_free": True, "is_own": False},
    {"id": "google_jobs", "name": "Google for Jobs", "is_free": True, "is_own": False},
    {"id": "ziprecruiter", "name": "ZipRecruiter", "is_free": False, "is_own": False},
]
BOARD_IDS = {b["id"] for b in BOARDS}
