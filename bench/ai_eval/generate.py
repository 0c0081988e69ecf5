"""Generate a labelled corpus of varied resumes (TXT, PDF, DOCX) with ground truth.

    python bench/ai_eval/generate.py --count 320 --out /tmp/hireloop-resumes

Variation: one and two columns (PDF sidebar, DOCX table), section order and heading words, contact
styles, five experience-entry shapes, six date formats, international names and phone numbers,
bullets or none. Ground truth is written next to each file as NAME.json.
"""

import argparse
import datetime as dt
import json
import os
import random

import phonenumbers

TODAY = dt.date(2026, 11, 1)

FIRST = {
    "US": ["James", "Emily", "Michael", "Ashley", "Tyrone", "Keisha", "Connor", "Madison", "Luis", "Grace"],
    "GB": ["Oliver", "Amelia", "Harry", "Isla", "Rhys", "Siobhan", "Callum", "Priya", "Thomas", "Eleanor"],
    "DE": ["Lukas", "Anna", "Jürgen", "Sophie", "Maximilian", "Leonie", "Felix", "Greta", "Tobias", "Mia"],
    "FR": ["Léa", "Hugo", "Chloé", "Théo", "Camille", "Mathéo", "Inès", "Louis", "Zoé", "Antoine"],
    "ES": ["María", "Javier", "Lucía", "Alejandro", "Carmen", "Sergio", "Paula", "Álvaro", "Elena", "Diego"],
    "IN": ["Aarav", "Priya", "Vihaan", "Ananya", "Rohan", "Kavya", "Arjun", "Sneha", "Rahul", "Deepika"],
    "NG": ["Chinedu", "Ngozi", "Oluwaseun", "Adaeze", "Emeka", "Funmilayo", "Tunde", "Chiamaka", "Ifeanyi", "Bisi"],
    "BR": ["João", "Ana", "Pedro", "Beatriz", "Gabriel", "Larissa", "Rafael", "Camila", "Thiago", "Juliana"],
    "PL": ["Łukasz", "Agnieszka", "Paweł", "Małgorzata", "Krzysztof", "Zofia", "Michał", "Katarzyna", "Piotr", "Ewa"],
    "JP": ["Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Kaito", "Sakura", "Yuto", "Mei"],
    "VN": ["Minh", "Linh", "Huy", "Trang", "Duc", "Mai", "Tuan", "Ngoc", "Khoa", "Thao"],
    "TR": ["Emre", "Zeynep", "Mehmet", "Elif", "Burak", "Ayşe", "Can", "Şule", "Kerem", "Defne"],
}
LAST = {
    "US": ["Johnson", "Williams", "Brown", "Garcia", "Miller", "Washington", "O'Brien", "Nguyen", "Kim", "Davis"],
    "GB": ["Smith", "Jones", "Taylor", "Evans", "Patel", "Wright", "McDonald", "Hughes", "Clarke", "Ahmed"],
    "DE": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Schäfer", "Koch", "Wagner"],
    "FR": ["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Roux", "Fournier", "Mercier"],
    "ES": ["García", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ruiz", "Díaz", "Moreno"],
    "IN": ["Sharma", "Patel", "Reddy", "Iyer", "Nair", "Gupta", "Singh", "Menon", "Krishnan", "Chatterjee"],
    "NG": ["Okafor", "Adeyemi", "Nwosu", "Balogun", "Eze", "Ogunleye", "Obi", "Adebayo", "Okonkwo", "Chukwu"],
    "BR": ["Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Rodrigues", "Almeida", "Lima", "Carvalho"],
    "PL": ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński", "Szymański"],
    "JP": ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi"],
    "VN": ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui", "Do", "Ngo"],
    "TR": ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk", "Arslan", "Doğan"],
}
CITIES = {
    "US": ["Austin, TX", "Seattle, WA", "Chicago, IL", "Denver, CO", "Boston, MA", "Atlanta, GA"],
    "GB": ["London, United Kingdom", "Manchester, UK", "Leeds, United Kingdom", "Bristol, UK"],
    "DE": ["Berlin, Germany", "Munich, Germany", "Hamburg, Germany"],
    "FR": ["Paris, France", "Lyon, France", "Toulouse, France"],
    "ES": ["Madrid, Spain", "Barcelona, Spain", "Valencia, Spain"],
    "IN": ["Bengaluru, India", "Pune, India", "Hyderabad, India", "Chennai, India"],
    "NG": ["Lagos, Nigeria", "Abuja, Nigeria"],
    "BR": ["São Paulo, Brazil", "Recife, Brazil", "Curitiba, Brazil"],
    "PL": ["Warsaw, Poland", "Kraków, Poland", "Wrocław, Poland"],
    "JP": ["Tokyo, Japan", "Osaka, Japan"],
    "VN": ["Hanoi, Vietnam", "Da Nang, Vietnam"],
    "TR": ["Istanbul, Turkey", "Ankara, Turkey"],
}
DOMAINS = {
    "software": {
        "titles": [
            "Software Engineer",
            "Senior Software Engineer",
            "Backend Developer",
            "Frontend Developer",
            "Full Stack Developer",
            "Staff Engineer",
            "DevOps Engineer",
            "Site Reliability Engineer",
        ],
        "skills": [
            "Python",
            "JavaScript",
            "TypeScript",
            "Java",
            "Go",
            "React",
            "Node.js",
            "Django",
            "PostgreSQL",
            "Docker",
            "Kubernetes",
            "Amazon Web Services",
            "Terraform",
            "Redis",
            "GraphQL",
            "Git",
            "Linux",
            "CI/CD",
            "Microservices",
            "Kotlin",
            "Rust",
            "Spring Boot",
            "MongoDB",
        ],
        "aliases": {
            "JavaScript": "JS",
            "Kubernetes": "k8s",
            "Amazon Web Services": "AWS",
            "PostgreSQL": "Postgres",
            "Node.js": "NodeJS",
            "Go": "Golang",
        },
        "verbs": [
            "Built {s} services handling 2M requests a day",
            "Migrated legacy code to {s}",
            "Introduced {s} and cut deploy time by 40%",
            "Maintained {s} infrastructure for 30 teams",
            "Designed APIs with {s} and documented them",
        ],
    },
    "data": {
        "titles": [
            "Data Analyst",
            "Data Scientist",
            "Data Engineer",
            "Machine Learning Engineer",
            "Senior Data Analyst",
            "Analytics Engineer",
        ],
        "skills": [
            "Python",
            "SQL",
            "Pandas",
            "Apache Spark",
            "Apache Airflow",
            "Tableau",
            "Power BI",
            "Machine Learning",
            "scikit-learn",
            "TensorFlow",
            "Statistics",
            "dbt",
            "Snowflake",
            "BigQuery",
            "A/B Testing",
            "Excel",
            "R",
            "Data Visualization",
        ],
        "aliases": {"scikit-learn": "sklearn", "Apache Spark": "PySpark", "Power BI": "PowerBI"},
        "verbs": [
            "Built {s} models that improved retention by 8%",
            "Automated reporting with {s}",
            "Ran experiments using {s}",
            "Created dashboards in {s} for the leadership team",
        ],
    },
    "design": {
        "titles": ["Product Designer", "UX Designer", "UI Designer", "Senior Product Designer", "UX Researcher"],
        "skills": [
            "Figma",
            "Sketch",
            "Adobe Photoshop",
            "Adobe Illustrator",
            "UX Design",
            "User Research",
            "Prototyping",
            "Wireframing",
            "Design Systems",
            "Accessibility",
            "Interaction Design",
        ],
        "aliases": {"Accessibility": "WCAG", "Adobe Photoshop": "Photoshop"},
        "verbs": [
            "Led {s} for the mobile checkout",
            "Set up {s} practice across 4 squads",
            "Delivered {s} work for a banking app",
        ],
    },
    "marketing": {
        "titles": [
            "Marketing Manager",
            "Digital Marketing Specialist",
            "Content Strategist",
            "SEO Specialist",
            "Growth Marketing Lead",
        ],
        "skills": [
            "SEO",
            "Google Analytics",
            "Content Marketing",
            "Email Marketing",
            "HubSpot",
            "Copywriting",
            "Social Media Marketing",
            "SEM",
            "Market Research",
            "Salesforce",
        ],
        "aliases": {"SEO": "search engine optimization", "SEM": "PPC"},
        "verbs": [
            "Grew organic traffic 120% through {s}",
            "Ran {s} campaigns with a $200k budget",
            "Owned {s} for product launches",
        ],
    },
    "nursing": {
        "titles": ["Registered Nurse", "Charge Nurse", "Nurse Practitioner", "Clinical Nurse Specialist"],
        "skills": [
            "Patient Care",
            "Electronic Health Records",
            "Pharmacology",
            "First Aid",
            "HIPAA",
            "Epic Systems",
            "Phlebotomy",
            "Clinical Research",
        ],
        "aliases": {"Electronic Health Records": "EHR", "First Aid": "CPR"},
        "verbs": ["Provided {s} for a 30-bed ward", "Trained new staff in {s}", "Documented care using {s}"],
    },
    "finance": {
        "titles": ["Financial Analyst", "Senior Accountant", "Finance Manager", "Controller", "Auditor"],
        "skills": [
            "Financial Modeling",
            "Excel",
            "Accounting",
            "SAP",
            "Budgeting",
            "Risk Management",
            "SQL",
            "Power BI",
            "Compliance",
            "Forecasting and Planning",
        ],
        "aliases": {"Forecasting and Planning": "FP&A", "Excel": "MS Excel"},
        "verbs": ["Prepared monthly close and {s}", "Built {s} for a $50M budget", "Improved {s} processes"],
    },
}
COMPANIES = [
    "Acme Corporation",
    "Northwind Traders",
    "Globex Inc.",
    "Initech LLC",
    "Umbrella Health",
    "Stark Industries",
    "Wayne Enterprises",
    "Contoso Ltd",
    "Fabrikam GmbH",
    "Tailspin Toys",
    "Blue Yonder Airlines",
    "Zalando",
    "Spotify",
    "Infosys",
    "Globant",
    "Nubank",
    "Allegro",
    "Rakuten",
    "VNG Corporation",
    "Trendyol",
    "Flutterwave",
    "Mercado Libre",
    "Deliveroo",
    "Monzo Bank",
    "N26",
    "BlaBlaCar",
    "Doctolib",
    "Cabify",
    "Paystack",
    "Swiggy",
    "St. Mary's Hospital",
    "Riverside Medical Center",
    "KPMG",
    "Deloitte",
    "Ernst & Young",
    "Vodafone Group",
    "Siemens AG",
    "Capgemini",
    "Thoughtworks",
    "Shopify",
    "Atlassian",
    "Canva",
    "Kaspi Labs",
    "Helios Analytics",
]
SCHOOLS = [
    "University of Texas at Austin",
    "University of Manchester",
    "Technische Universität München",
    "Université Paris-Saclay",
    "Universidad Complutense de Madrid",
    "Indian Institute of Technology Bombay",
    "University of Lagos",
    "Universidade de São Paulo",
    "Warsaw University of Technology",
    "University of Tokyo",
    "Hanoi University of Science and Technology",
    "Boğaziçi University",
    "Georgia Institute of Technology",
    "King's College London",
    "Ohio State University",
]
DEGREES = [
    ("Bachelor of Science", "B.Sc."),
    ("Master of Science", "M.Sc."),
    ("Bachelor of Arts", "BA"),
    ("MBA", "MBA"),
    ("Bachelor of Engineering", "B.Eng."),
    ("PhD", "PhD"),
]
FIELDS = {
    "software": "Computer Science",
    "data": "Statistics",
    "design": "Interaction Design",
    "marketing": "Marketing",
    "nursing": "Nursing",
    "finance": "Finance",
}
HEADINGS = {
    "summary": ["Summary", "SUMMARY", "Profile", "Professional Summary", "About Me", "Objective"],
    "experience": [
        "Experience",
        "WORK EXPERIENCE",
        "Professional Experience",
        "Employment History",
        "Work History",
        "Career History",
    ],
    "education": ["Education", "EDUCATION", "Academic Background", "Education & Training"],
    "skills": ["Skills", "TECHNICAL SKILLS", "Core Competencies", "Key Skills", "Skills & Tools", "Expertise"],
    "languages": ["Languages", "LANGUAGES", "Language Skills"],
}
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def phone_for(region: str, rng: random.Random) -> tuple[str, str]:
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    national = str(example.national_number)
    for _ in range(50):
        digits = national[:-4] + "".join(str(rng.randint(0, 9)) for _ in range(4))
        number = phonenumbers.parse("+" + str(example.country_code) + digits)
        if phonenumbers.is_valid_number(number):
            break
    else:
        number = example
    style = rng.choice([phonenumbers.PhoneNumberFormat.INTERNATIONAL, phonenumbers.PhoneNumberFormat.NATIONAL])
    if (
        region in ("US", "GB", "DE", "FR", "ES", "IN", "BR", "PL", "JP")
        and style == phonenumbers.PhoneNumberFormat.NATIONAL
    ):
        shown = phonenumbers.format_number(number, style)
    else:
        shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        if rng.random() < 0.3:
            shown = shown.replace(" ", "-", 1)
    return shown, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def fmt_date(year: int, month: int, style: int) -> tuple[str, str]:
    """(shown, truth) for a date in one of six styles; truth is YYYY-MM or YYYY."""
    if style == 0:
        return f"{MONTHS[month - 1][:3]} {year}", f"{year}-{month:02d}"
    if style == 1:
        return f"{MONTHS[month - 1]} {year}", f"{year}-{month:02d}"
    if style == 2:
        return f"{month:02d}/{year}", f"{year}-{month:02d}"
    if style == 3:
        return f"{year}-{month:02d}", f"{year}-{month:02d}"
    if style == 4:
        return f"{year}", f"{year}"
    return f"{MONTHS[month - 1][:3]}. {year}" if month != 5 else f"May {year}", f"{year}-{month:02d}"


def make_resume(index: int, rng: random.Random) -> dict:
    region = rng.choice(list(FIRST))
    first, last = rng.choice(FIRST[region]), rng.choice(LAST[region])
    name = f"{first} {last}"
    domain_key = rng.choice(list(DOMAINS))
    domain = DOMAINS[domain_key]
    city = rng.choice(CITIES[region])
    plain = first.lower().translate(
        str.maketrans("äöüéèáíóúñãçłśżźćńışğçőâêôàëïøåùûœ", "aoueeaiounaclszzcnisgcoaeoaeioauuo")
    )
    plain_last = (
        last.lower()
        .replace("'", "")
        .translate(str.maketrans("äöüéèáíóúñãçłśżźćńışğçőâêôàëïøåùûœ", "aoueeaiounaclszzcnisgcoaeoaeioauuo"))
    )
    email = (
        rng.choice(
            [
                f"{plain}.{plain_last}",
                f"{plain[0]}{plain_last}",
                f"{plain}{rng.randint(1, 99)}",
                f"{plain}_{plain_last}",
            ]
        )
        + "@"
        + rng.choice(["gmail.com", "outlook.com", "proton.me", "yahoo.co.uk", "web.de", "example.com"])
    )
    phone_shown, phone_e164 = phone_for(region, rng)
    links = {"linkedin": None, "github": None, "portfolio": None}
    if rng.random() < 0.7:
        links["linkedin"] = f"https://linkedin.com/in/{plain}-{plain_last}"
    if domain_key in ("software", "data") and rng.random() < 0.6:
        links["github"] = f"https://github.com/{plain}{plain_last[:3]}"
    if rng.random() < 0.25:
        links["portfolio"] = f"https://{plain}{plain_last}.dev"

    # experience: 1-4 jobs going back in time, sometimes with a gap or overlap
    style = rng.randint(0, 5)
    end_year, end_month = TODAY.year, TODAY.month
    jobs = []
    current = rng.random() < 0.75
    for j in range(rng.randint(1, 4)):
        length = rng.randint(8, 52)
        if j == 0 and current:
            e_y, e_m, is_current = None, None, True
            ref = end_year * 12 + end_month - 1
        else:
            gap = rng.randint(0, 6) if j else rng.randint(1, 10)
            ref = end_year * 12 + end_month - 1 - gap
            e_y, e_m, is_current = ref // 12, ref % 12 + 1, False
        s_ref = ref - length
        s_y, s_m = s_ref // 12, s_ref % 12 + 1
        end_year, end_month = s_y, s_m
        start_shown, start_truth = fmt_date(s_y, s_m, style)
        if is_current:
            end_shown, end_truth = rng.choice(["Present", "Current", "present", "Now"]), None
        else:
            end_shown, end_truth = fmt_date(e_y, e_m, style)
        used = rng.sample(domain["skills"], k=min(2, len(domain["skills"])))
        bullets = []
        for s in used:
            shown = domain["aliases"].get(s, s) if rng.random() < 0.3 else s
            bullets.append(rng.choice(domain["verbs"]).format(s=shown))
        bullets.append(
            rng.choice(
                [
                    "Mentored two junior colleagues",
                    "Worked with product and support teams",
                    "Presented results to stakeholders",
                    "Reduced costs by 15% year over year",
                ]
            )
        )
        jobs.append(
            {
                "title": rng.choice(domain["titles"]),
                "company": rng.choice(COMPANIES),
                "location": rng.choice(CITIES[region]) if rng.random() < 0.6 else None,
                "start": start_truth,
                "end": end_truth,
                "is_current": is_current,
                "start_shown": start_shown,
                "end_shown": end_shown,
                "bullets": bullets,
                "skills": used,
                "months": (e_y * 12 + e_m if not is_current else TODAY.year * 12 + TODAY.month) - (s_y * 12 + s_m),
            }
        )
    listed = rng.sample(domain["skills"], k=rng.randint(4, min(9, len(domain["skills"]))))
    listed_shown = [domain["aliases"].get(s, s) if rng.random() < 0.3 else s for s in listed]
    headline = rng.choice(domain["titles"])
    titles = [headline] + [job["title"] for job in jobs]
    # a title that names a skill ("SEO Specialist", "Machine Learning Engineer") evidences it
    in_titles = {s for s in domain["skills"] if any(s in t for t in titles)}
    all_skills = set(listed) | {s for job in jobs for s in job["skills"]} | in_titles
    degree_long, degree_short = rng.choice(DEGREES)
    grad = end_year - rng.randint(0, 2)
    education = {
        "degree": rng.choice([degree_long, degree_short]),
        "field": FIELDS[domain_key],
        "institution": rng.choice(SCHOOLS),
        "end": str(grad),
        "start": str(grad - rng.choice([2, 3, 4])),
    }
    languages = ["English"] + rng.sample(
        ["Spanish", "German", "French", "Portuguese", "Hindi", "Japanese", "Polish", "Turkish", "Vietnamese", "Yoruba"],
        k=rng.randint(0, 2),
    )
    months = _union_months(jobs)
    return {
        "id": f"gen-{index:04d}",
        "region": region,
        "name": name,
        "email": email,
        "phone_shown": phone_shown,
        "phone": phone_e164,
        "city": city,
        "links": links,
        "domain": domain_key,
        "headline": headline,
        "jobs": jobs,
        "listed_shown": listed_shown,
        "skills": sorted(all_skills),
        "education": education,
        "languages": languages,
        "total_years": round(months / 12, 1),
        "date_style": style,
    }


def _union_months(jobs: list[dict]) -> int:
    spans = []
    for job in jobs:
        s = _idx(job["start"], False)
        e = TODAY.year * 12 + TODAY.month - 1 if job["is_current"] else _idx(job["end"], True)
        spans.append((s, e + 1))
    spans.sort()
    total, cur = 0, None
    for s, e in spans:
        if cur and s <= cur[1]:
            cur = (cur[0], max(cur[1], e))
        else:
            if cur:
                total += cur[1] - cur[0]
            cur = (s, e)
    return total + (cur[1] - cur[0] if cur else 0)


def _idx(value: str, end: bool) -> int:
    year = int(value[:4])
    return year * 12 + (int(value[5:7]) - 1 if len(value) >= 7 else (11 if end else 0))


def render_blocks(r: dict, rng: random.Random) -> tuple[list[str], list[str]]:
    """(sidebar lines, main lines) of a resume; one-column layouts join them."""
    contact_style = rng.randint(0, 2)
    sep = rng.choice([" | ", " • ", " · ", "  |  "])
    contact = [r["email"], r["phone_shown"], r["city"]]
    links = [v.replace("https://", "") if rng.random() < 0.5 else v for v in r["links"].values() if v]
    header = [r["name"] if rng.random() < 0.8 else r["name"].upper(), r["headline"]]
    if contact_style == 0:
        header.append(sep.join(contact + links))
    elif contact_style == 1:
        header += [f"Email: {r['email']}", f"Phone: {r['phone_shown']}", f"Location: {r['city']}"]
        header += [f"{'LinkedIn' if 'linkedin' in v else 'Web'}: {v}" for v in links]
    else:
        header += [sep.join(contact), *links]

    bullet = rng.choice(["• ", "- ", "* ", "", "▪ "])
    shape = rng.randint(0, 4)
    dash = rng.choice([" – ", " - ", " to ", " — "])
    exp: list[str] = []
    for job in r["jobs"]:
        dates = f"{job['start_shown']}{dash}{job['end_shown']}"
        loc = job["location"]
        if shape == 0:
            exp.append(" | ".join(x for x in (job["title"], job["company"], loc, dates) if x))
        elif shape == 1:
            exp += [f"{job['title']} at {job['company']}", dates + (f" | {loc}" if loc else "")]
        elif shape == 2:
            exp += [job["company"] + (f", {loc}" if loc else ""), f"{job['title']}    {dates}"]
        elif shape == 3:
            exp += [dates, f"{job['title']}, {job['company']}"]
        else:
            exp.append(f"{job['title']} — {job['company']} ({dates})")
        exp += [bullet + b + ("." if rng.random() < 0.5 else "") for b in job["bullets"]]
        exp.append("")
    edu = r["education"]
    edu_lines = rng.choice(
        [
            [f"{edu['degree']} in {edu['field']}", f"{edu['institution']}, {edu['start']} - {edu['end']}"],
            [f"{edu['institution']}", f"{edu['degree']}, {edu['field']} ({edu['end']})"],
            [f"{edu['degree']} {edu['field']}, {edu['institution']}, {edu['end']}"],
        ]
    )
    skills_lines = rng.choice(
        [
            [", ".join(r["listed_shown"])],
            [bullet + s for s in r["listed_shown"]],
            [" | ".join(r["listed_shown"])],
        ]
    )
    summary = [f"{r['headline']} with a record of delivery in {r['domain']} teams. Calm, curious and reliable."]
    sections = {
        "summary": summary,
        "experience": exp,
        "education": edu_lines,
        "skills": skills_lines,
        "languages": [", ".join(r["languages"])],
    }
    order = ["summary", "experience", "education", "skills", "languages"]
    if rng.random() < 0.3:
        order = ["summary", "skills", "experience", "education", "languages"]
    if rng.random() < 0.2:
        order.remove("summary")
    colon = rng.random() < 0.2
    main = list(header) + [""]
    side: list[str] = []
    two_col = rng.random() < 0.35
    for key in order:
        heading = rng.choice(HEADINGS[key]) + (":" if colon else "")
        target = side if two_col and key in ("skills", "languages") else main
        target += [heading, *sections[key], ""]
    return side, main


def write_pdf(side: list[str], main: list[str], path: str, font_path: str | None) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if font_path:
        pdf.add_font("Body", "", font_path)
        pdf.set_font("Body", size=9)
    else:
        pdf.set_font("Helvetica", size=9)

    def clean(line: str) -> str:
        return line if font_path else line.encode("latin-1", "replace").decode("latin-1")

    if side:  # sidebar first in the content stream, then the main column
        pdf.set_left_margin(10)
        for line in side:
            pdf.set_x(10)
            pdf.multi_cell(55, 4.5, clean(line) or " ", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(10)
        pdf.set_left_margin(70)
        width = 130
    else:
        width = 0
    for line in main:
        pdf.multi_cell(width, 4.5, clean(line) or " ", new_x="LMARGIN", new_y="NEXT")
    pdf.output(path)


def write_docx(side: list[str], main: list[str], path: str) -> None:
    import docx

    document = docx.Document()
    if side:
        table = document.add_table(rows=1, cols=2)
        left, right = table.rows[0].cells
        left.text = "\n".join(side)
        right.paragraphs[0].text = main[0]
        for line in main[1:]:
            right.add_paragraph(line)
    else:
        for line in main:
            document.add_paragraph(line)
    document.save(path)


def truth_of(r: dict) -> dict:
    return {
        "name": r["name"],
        "emails": [r["email"].lower()],
        "phones": [r["phone"]],
        "links": r["links"],
        "skills": r["skills"],
        "experience": [
            {
                "title": j["title"],
                "company": j["company"],
                "start": j["start"],
                "end": j["end"],
                "is_current": j["is_current"],
            }
            for j in r["jobs"]
        ],
        "total_years_experience": r["total_years"],
        "education": [{"degree": r["education"]["degree"], "institution": r["education"]["institution"]}],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=320)
    parser.add_argument("--out", default="/tmp/hireloop-resumes")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    font = next((p for p in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",) if os.path.exists(p)), None)
    kinds = {"txt": 0, "pdf": 0, "docx": 0, "two_column": 0}
    for i in range(args.count):
        r = make_resume(i, rng)
        side, main = render_blocks(r, rng)
        kind = ["txt", "pdf", "docx"][i % 3]
        path = os.path.join(args.out, f"{r['id']}.{kind}")
        if kind == "txt":
            with open(path, "w", encoding="utf-8") as fh:
                fh.write("\n".join(main + side))
        elif kind == "pdf":
            write_pdf(side, main, path, font)
        else:
            write_docx(side, main, path)
        kinds[kind] += 1
        kinds["two_column"] += bool(side) and kind != "txt"
        with open(os.path.join(args.out, f"{r['id']}.json"), "w", encoding="utf-8") as fh:
            json.dump(truth_of(r), fh, ensure_ascii=False, indent=1)
    print(json.dumps({"generated": args.count, **kinds, "out": args.out}))


if __name__ == "__main__":
    main()
