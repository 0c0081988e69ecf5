"""Ready-made question sets every company gets (read-only; copy one to edit it)."""

SCALE = {"type": "scale", "scale_min": 1, "scale_max": 5}

LIBRARY: list[dict] = [
    {
        "key": "manager_reference",
        "name": "Manager reference",
        "description": "For a referee who managed the candidate.",
        "questions": [
            {
                "text": "How long and in what capacity did you manage the candidate?",
                "type": "text",
                "category": "context",
            },
            {"text": "How would you rate the quality of the candidate's work?", **SCALE, "category": "performance"},
            {
                "text": "How reliable was the candidate in meeting commitments and deadlines?",
                **SCALE,
                "category": "reliability",
            },
            {"text": "How well did the candidate work with colleagues?", **SCALE, "category": "teamwork"},
            {"text": "How well did the candidate take ownership and lead others?", **SCALE, "category": "leadership"},
            {"text": "How well did the candidate communicate?", **SCALE, "category": "communication"},
            {"text": "Would you hire the candidate again?", "type": "yes_no", "category": "rehire"},
            {"text": "What are the candidate's main strengths?", "type": "text", "category": "strengths"},
            {
                "text": "Where could the candidate improve?",
                "type": "text",
                "category": "development",
                "required": False,
            },
        ],
    },
    {
        "key": "peer_reference",
        "name": "Peer reference",
        "description": "For a colleague who worked alongside the candidate.",
        "questions": [
            {"text": "How did you work with the candidate, and for how long?", "type": "text", "category": "context"},
            {"text": "How would you rate the candidate as a teammate?", **SCALE, "category": "teamwork"},
            {"text": "How dependable was the candidate?", **SCALE, "category": "reliability"},
            {"text": "How clearly did the candidate communicate?", **SCALE, "category": "communication"},
            {
                "text": "How would you describe the candidate's attitude under pressure?",
                "type": "single_choice",
                "choices": ["Calm and constructive", "Mostly steady", "Sometimes struggled", "Often struggled"],
                "category": "resilience",
            },
            {"text": "Would you like to work with the candidate again?", "type": "yes_no", "category": "rehire"},
            {"text": "Anything else we should know?", "type": "text", "category": "other", "required": False},
        ],
    },
    {
        "key": "direct_report_reference",
        "name": "Direct report reference",
        "description": "For someone the candidate managed.",
        "questions": [
            {"text": "How long did the candidate manage you?", "type": "text", "category": "context"},
            {"text": "How well did the candidate support your growth?", **SCALE, "category": "leadership"},
            {"text": "How fair and consistent was the candidate as a manager?", **SCALE, "category": "leadership"},
            {
                "text": "How well did the candidate communicate goals and feedback?",
                **SCALE,
                "category": "communication",
            },
            {"text": "Would you work for the candidate again?", "type": "yes_no", "category": "rehire"},
            {
                "text": "What could the candidate do better as a manager?",
                "type": "text",
                "category": "development",
                "required": False,
            },
        ],
    },
    {
        "key": "client_reference",
        "name": "Client reference",
        "description": "For a client the candidate served.",
        "questions": [
            {"text": "In what context did the candidate work with you?", "type": "text", "category": "context"},
            {"text": "How satisfied were you with the candidate's work?", **SCALE, "category": "performance"},
            {"text": "How responsive and reliable was the candidate?", **SCALE, "category": "reliability"},
            {"text": "How well did the candidate understand your needs?", **SCALE, "category": "communication"},
            {"text": "Would you work with the candidate again?", "type": "yes_no", "category": "rehire"},
        ],
    },
]
