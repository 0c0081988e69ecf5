"""Demo jobs: three openings with pipelines, criteria, knockout questions and a hiring team."""

from hireloop.accounts.models import Membership
from hireloop.jobs import services
from hireloop.jobs.models import Department, Job

JOBS = [
    {
        "title": "Senior Robotics Software Engineer",
        "status": "Public",
        "department": "Engineering",
        "description": "<p>Build the motion-planning stack of our warehouse robots.</p>"
        "<ul><li>C++ and Python</li><li>ROS 2</li><li>Real-time systems</li></ul>",
        "requirements": "C++, Python, ROS 2, motion planning, 5+ years experience",
        "job_focus": "technical",
        "location_city": "Berlin",
        "location_country": "Germany",
        "salary_min": 85000,
        "salary_max": 110000,
        "salary_currency": "EUR",
        "salary_period": "annually",
        "is_remote": True,
        "knockout_questions": [
            {
                "text": "Are you authorised to work in the EU?",
                "expected_answer": "Yes",
                "disqualify_on_wrong_answer": True,
            },
        ],
        "ai_scoring_criteria": [
            {"title": "Robotics", "text": "Hands-on experience with ROS or ROS 2 in production robots", "weight": 9},
            {"title": "Languages", "text": "Strong modern C++ and Python", "weight": 7},
            {"title": "Planning", "text": "Motion planning or control algorithms", "weight": 6},
        ],
    },
    {
        "title": "Product Designer",
        "status": "Public",
        "department": "Design",
        "description": "<p>Design the operator console used by hundreds of warehouse teams.</p>",
        "requirements": "Figma, design systems, user research, 3+ years experience",
        "job_focus": "skills",
        "location_city": "Lisbon",
        "location_country": "Portugal",
    },
    {
        "title": "Field Service Technician",
        "status": "Draft",
        "department": "Operations",
        "description": "<p>Install and maintain robots at customer sites.</p>",
        "requirements": "Electromechanical maintenance, driving licence, travel",
        "job_focus": "balanced",
        "location_city": "Lyon",
        "location_country": "France",
    },
]


def load(*, company, admin) -> None:
    """Create the demo jobs once (idempotent: existing titles are left alone)."""
    team = list(Membership.objects.filter(company=company, is_active=True).values_list("user_id", flat=True))
    for spec in JOBS:
        if Job.objects.filter(company=company, title=spec["title"]).exists():
            continue
        data = dict(spec)
        department = Department.objects.filter(company=None, name=data.pop("department")).first()
        data["department_id"] = department.pk if department else None
        job = services.create_job(company=company, actor=admin, data=data)
        for user_id in team:
            services.add_hiring_team_member(company=company, actor=admin, job=job, user_id=user_id)
