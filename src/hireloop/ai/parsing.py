"""Resume parsing: a file in, the structured resume contract out.

Contract (the CLI `hireloop parse-resume` and `POST /api/v2/resumes/parse` return exactly these keys):
name, emails, phones (E.164), location, links {linkedin, github, portfolio, other}, headline, summary,
skills [{name, canonical, category}], experience [{title, company, location, start, end, is_current,
description}], education [{degree, field, institution, start, end}], certifications, languages,
total_years_experience, text, parser {method, version}.

Method: text extraction (pypdf / python-docx / stdlib), then rules: section headings, date ranges,
a job-title and organisation lexicon, phonenumbers, and the skill taxonomy. Dates are "YYYY-MM" or "YYYY".
"""

import datetime as dt
import re
from dataclasses import dataclass, field

import phonenumbers

from hireloop.ai import skills as skill_taxonomy
from hireloop.ai.extract import ParseError, extract_text

PARSER_VERSION = "1.0.0"
PARSER_METHOD = "rules+taxonomy"

__all__ = ["ParseError", "ParseResult", "parse_resume", "parse_text", "PARSER_VERSION"]


@dataclass
class ParseResult:
    ok: bool
    resume: dict | None = None
    reason: str = ""
    code: str = ""
    kind: str = ""
    extras: dict = field(default_factory=dict)


# ---------------------------------------------------------------- sections
SECTION_WORDS = {
    "summary": [
        "summary",
        "professional summary",
        "profile",
        "professional profile",
        "about",
        "about me",
        "objective",
        "career objective",
        "career summary",
        "overview",
        "personal statement",
        "executive summary",
        "introduction",
    ],
    "experience": [
        "experience",
        "work experience",
        "professional experience",
        "employment",
        "employment history",
        "work history",
        "career history",
        "relevant experience",
        "experience history",
        "positions held",
        "professional background",
        "career",
        "berufserfahrung",
        "expérience professionnelle",
        "experiencia",
        "experiencia profesional",
        "work",
        "employment record",
    ],
    "education": [
        "education",
        "education and training",
        "academic background",
        "academic qualifications",
        "qualifications",
        "education & training",
        "studies",
        "ausbildung",
        "formation",
        "educación",
        "academic history",
        "training",
    ],
    "skills": [
        "skills",
        "technical skills",
        "key skills",
        "core skills",
        "core competencies",
        "competencies",
        "skills & tools",
        "skills and tools",
        "tools",
        "technologies",
        "tech stack",
        "areas of expertise",
        "expertise",
        "skill set",
        "skillset",
        "toolbox",
        "kenntnisse",
        "compétences",
        "habilidades",
        "technical proficiencies",
        "tools & technologies",
        "tools and technologies",
        "strengths",
    ],
    "certifications": [
        "certifications",
        "certificates",
        "licenses",
        "licences",
        "licenses & certifications",
        "licenses and certifications",
        "certifications & licenses",
        "credentials",
        "courses",
        "certification",
    ],
    "languages": ["languages", "language skills", "spoken languages", "sprachen", "langues", "idiomas"],
    "projects": ["projects", "selected projects", "personal projects", "side projects", "open source"],
    "other": [
        "interests",
        "hobbies",
        "references",
        "awards",
        "honors",
        "honours",
        "publications",
        "volunteering",
        "volunteer experience",
        "activities",
        "achievements",
        "additional information",
        "personal details",
        "contact",
        "contact information",
        "links",
    ],
}
_HEADING = {}
for _section, _words in SECTION_WORDS.items():
    for _word in _words:
        _HEADING[_word] = _section


def _heading_of(line: str) -> str | None:
    raw = line.strip().strip("#*=_-–—:|•· ").strip()
    if not raw or len(raw) > 40:
        return None
    key = re.sub(r"\s+", " ", raw.lower().replace("&amp;", "&"))
    found = _HEADING.get(key)
    if found or len(key.split()) > 4 or raw.endswith(".") or not (raw.isupper() or raw.istitle() or raw[0].isupper()):
        return found
    for stem, section in _FUZZY_HEADINGS:
        if stem in key:
            return section
    return None


_FUZZY_HEADINGS = [
    ("experience", "experience"),
    ("employment", "experience"),
    ("positions", "experience"),
    ("internship", "experience"),
    ("work history", "experience"),
    ("appointments", "experience"),
    ("education", "education"),
    ("qualifications", "education"),
    ("academic", "education"),
    ("skills", "skills"),
    ("competenc", "skills"),
    ("proficienc", "skills"),
    ("certific", "certifications"),
    ("licen", "certifications"),
    ("language", "languages"),
    ("summary", "summary"),
    ("profile", "summary"),
    ("objective", "summary"),
    ("project", "projects"),
    ("publication", "other"),
    ("award", "other"),
    ("interest", "other"),
    ("declaration", "other"),
    ("reference", "other"),
    ("personal", "other"),
]


# ---------------------------------------------------------------- contact
EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?![\w])")
URL_RE = re.compile(
    r"(?:(?:https?://)|(?:www\.))[^\s<>()|,;]+|"
    r"(?<![@\w.])(?:[a-z0-9-]+\.)*(?:linkedin\.com|github\.com|gitlab\.com|behance\.net|dribbble\.com|"
    r"stackoverflow\.com|twitter\.com|x\.com|medium\.com|kaggle\.com)/[^\s<>()|,;]+|"
    r"(?<![@\w.])[a-z0-9-]{3,}\.(?:dev|io|me|design|portfolio|site|page|xyz|tech|codes)(?:/[^\s<>()|,;]*)?(?![\w@])",
    re.I,
)
_PORTFOLIO_HOSTS = ("behance.net", "dribbble.com", "github.io", "gitlab.io", "netlify.app", "vercel.app")
_OTHER_HOSTS = (
    "twitter.com",
    "x.com",
    "medium.com",
    "stackoverflow.com",
    "kaggle.com",
    "facebook.com",
    "instagram.com",
    "youtube.com",
    "gitlab.com",
    "orcid.org",
    "scholar.google",
)

COUNTRY_REGIONS = {
    "united states": "US",
    "usa": "US",
    "u.s.": "US",
    "united kingdom": "GB",
    "uk": "GB",
    "england": "GB",
    "london": "GB",
    "germany": "DE",
    "deutschland": "DE",
    "berlin": "DE",
    "munich": "DE",
    "france": "FR",
    "paris": "FR",
    "spain": "ES",
    "madrid": "ES",
    "italy": "IT",
    "india": "IN",
    "bangalore": "IN",
    "bengaluru": "IN",
    "mumbai": "IN",
    "canada": "CA",
    "toronto": "CA",
    "australia": "AU",
    "sydney": "AU",
    "brazil": "BR",
    "são paulo": "BR",
    "mexico": "MX",
    "netherlands": "NL",
    "amsterdam": "NL",
    "poland": "PL",
    "japan": "JP",
    "tokyo": "JP",
    "china": "CN",
    "nigeria": "NG",
    "lagos": "NG",
    "kenya": "KE",
    "nairobi": "KE",
    "ireland": "IE",
    "dublin": "IE",
    "sweden": "SE",
    "switzerland": "CH",
    "singapore": "SG",
    "south africa": "ZA",
    "egypt": "EG",
    "turkey": "TR",
    "istanbul": "TR",
    "vietnam": "VN",
    "philippines": "PH",
    "indonesia": "ID",
    "argentina": "AR",
    "portugal": "PT",
    "lisbon": "PT",
    "ukraine": "UA",
    "korea": "KR",
    "seoul": "KR",
    "israel": "IL",
    "uae": "AE",
    "dubai": "AE",
    "pakistan": "PK",
    "new zealand": "NZ",
    "belgium": "BE",
    "austria": "AT",
    "denmark": "DK",
    "norway": "NO",
    "finland": "FI",
    "czech republic": "CZ",
    "romania": "RO",
    "greece": "GR",
    "chile": "CL",
    "colombia": "CO",
    "peru": "PE",
}
CITY_NAMES = {
    "london",
    "berlin",
    "munich",
    "paris",
    "madrid",
    "bangalore",
    "bengaluru",
    "mumbai",
    "toronto",
    "sydney",
    "são paulo",
    "amsterdam",
    "tokyo",
    "lagos",
    "nairobi",
    "dublin",
    "istanbul",
    "seoul",
    "dubai",
    "lisbon",
}
US_STATES = set(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "DC",
    ]
)


def _classify_link(url: str, links: dict) -> None:
    clean = url.rstrip(".,;:)")
    if not clean.lower().startswith("http"):
        clean = "https://" + clean
    low = clean.lower()
    if any(clean == existing for existing in _all_links(links)):
        return
    if "linkedin.com" in low:
        if links["linkedin"] is None:
            links["linkedin"] = clean
        else:
            links["other"].append(clean)
    elif re.search(r"//(www\.)?github\.com/", low):
        if links["github"] is None:
            links["github"] = clean
        else:
            links["other"].append(clean)
    elif any(host in low for host in _OTHER_HOSTS):
        links["other"].append(clean)
    elif links["portfolio"] is None:
        links["portfolio"] = clean
    else:
        links["other"].append(clean)


def _all_links(links: dict) -> list[str]:
    return [v for v in (links["linkedin"], links["github"], links["portfolio"]) if v] + links["other"]


def _region_hint(text: str) -> str:
    low = text.lower()
    for name, region in COUNTRY_REGIONS.items():
        if re.search(rf"\b{re.escape(name)}\b", low):
            return region
    return "US"


def find_phones(text: str, region: str) -> list[str]:
    phones: list[str] = []
    scrubbed = EMAIL_RE.sub(" ", URL_RE.sub(" ", text))
    # Date ranges look like numbers to the matcher: blank them out first.
    scrubbed = DATE_RANGE_RE.sub(" ", scrubbed)
    for match in phonenumbers.PhoneNumberMatcher(scrubbed, region, leniency=phonenumbers.Leniency.VALID):
        number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        if number not in phones:
            phones.append(number)
    if not phones:  # lenient second pass over lines that say "phone"/"tel"/"mobile" or start with +
        for line in scrubbed.splitlines():
            if re.search(r"(phone|tel|mobile|cell|\+\d)", line, re.I):
                for match in phonenumbers.PhoneNumberMatcher(line, region, leniency=phonenumbers.Leniency.POSSIBLE):
                    number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
                    if number not in phones:
                        phones.append(number)
    return phones


# ---------------------------------------------------------------- dates
_MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
    "janv": 1,
    "mär": 3,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "okt": 10,
    "dez": 12,
    "ene": 1,
    "abr": 4,
    "ago": 8,
    "dic": 12,
}
_MONTH_NAME = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"  # noqa: E501
_DATE = rf"(?:{_MONTH_NAME}\s*,?\s*(?:19|20)\d{{2}}|(?:[0-3]?\d\s*[/.]\s*)?(?:0?[1-9]|1[0-2])\s*[/.-]\s*(?:19|20)\d{{2}}|(?:19|20)\d{{2}}\s*[/.-]\s*(?:0?[1-9]|1[0-2])(?!\d)|(?:19|20)\d{{2}})"  # noqa: E501
_PRESENT = r"(?:present|current(?:ly)?|now|today|ongoing|to date|date|heute|actualidad|aujourd'hui|atual)"
DATE_RANGE_RE = re.compile(
    rf"(?P<start>{_DATE})\s*(?:-|–|—|to|until|till|bis|a|à|→|\.\.)\s*(?P<end>{_DATE}|{_PRESENT})", re.I
)
SINGLE_DATE_RE = re.compile(rf"(?P<date>{_DATE})", re.I)


def parse_date(value: str) -> str | None:
    value = value.strip().lower().rstrip(".")
    if re.fullmatch(_PRESENT, value, re.I):
        return None
    m = re.match(r"([a-zä]+)\.?\s*,?\s*((?:19|20)\d{2})", value)
    if m and m.group(1)[:4].rstrip(".") in _MONTHS or (m and m.group(1)[:3] in _MONTHS):
        month = _MONTHS.get(m.group(1)[:4].rstrip(".")) or _MONTHS[m.group(1)[:3]]
        return f"{m.group(2)}-{month:02d}"
    m = re.match(r"(\d{1,2})\s*[/.]\s*(\d{1,2})\s*[/.]\s*((?:19|20)\d{2})", value)
    if m:  # day/month/year (month/day when the first number cannot be a month... nor the second a day)
        first, second = int(m.group(1)), int(m.group(2))
        month = second if second <= 12 else first
        return f"{m.group(3)}-{month:02d}"
    m = re.match(r"(\d{1,2})\s*[/.-]\s*((?:19|20)\d{2})", value)
    if m:
        return f"{m.group(2)}-{int(m.group(1)):02d}"
    m = re.match(r"((?:19|20)\d{2})\s*[/.-]\s*(\d{1,2})", value)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    m = re.match(r"((?:19|20)\d{2})", value)
    return m.group(1) if m else None


def _month_index(value: str | None, *, end: bool, today: dt.date) -> int:
    if value is None:
        return today.year * 12 + today.month - 1
    year = int(value[:4])
    if len(value) >= 7:
        return year * 12 + int(value[5:7]) - 1
    return year * 12 + (11 if end else 0)


def total_years(experience: list[dict], today: dt.date | None = None) -> float | None:
    today = today or dt.date.today()
    spans = []
    for item in experience:
        if not item.get("start"):
            continue
        start = _month_index(item["start"], end=False, today=today)
        end = (
            _month_index(item["end"], end=True, today=today)
            if not item.get("is_current")
            else _month_index(None, end=True, today=today)
        )
        if end >= start:
            spans.append((start, end + 1))
    if not spans:
        return None
    spans.sort()
    months = 0
    cur_s, cur_e = spans[0]
    for s, e in spans[1:]:
        if s <= cur_e:
            cur_e = max(cur_e, e)
        else:
            months += cur_e - cur_s
            cur_s, cur_e = s, e
    months += cur_e - cur_s
    return round(months / 12, 1)


# ---------------------------------------------------------------- lexicons
TITLE_WORDS = set(
    [
        "engineer",
        "developer",
        "programmer",
        "manager",
        "analyst",
        "designer",
        "director",
        "lead",
        "head",
        "specialist",
        "consultant",
        "nurse",
        "teacher",
        "intern",
        "internship",
        "assistant",
        "officer",
        "coordinator",
        "architect",
        "scientist",
        "administrator",
        "representative",
        "associate",
        "vp",
        "president",
        "founder",
        "co-founder",
        "cofounder",
        "accountant",
        "technician",
        "supervisor",
        "executive",
        "owner",
        "partner",
        "editor",
        "writer",
        "researcher",
        "professor",
        "lecturer",
        "instructor",
        "tutor",
        "recruiter",
        "sourcer",
        "advisor",
        "strategist",
        "marketer",
        "chef",
        "cook",
        "driver",
        "clerk",
        "cashier",
        "operator",
        "mechanic",
        "electrician",
        "therapist",
        "physician",
        "doctor",
        "pharmacist",
        "paramedic",
        "attorney",
        "lawyer",
        "paralegal",
        "counsel",
        "controller",
        "auditor",
        "bookkeeper",
        "economist",
        "statistician",
        "trainee",
        "apprentice",
        "fellow",
        "chief",
        "cto",
        "ceo",
        "cfo",
        "coo",
        "cio",
        "ciso",
        "principal",
        "staff",
        "senior",
        "junior",
        "sr",
        "jr",
        "devops",
        "sre",
        "qa",
        "tester",
        "product",
        "owner",
        "scrum",
        "master",
        "receptionist",
        "agent",
        "advocate",
        "buyer",
        "planner",
        "producer",
        "photographer",
        "illustrator",
        "animator",
        "investigator",
        "inspector",
        "surveyor",
        "welder",
        "carpenter",
        "foreman",
        "superintendent",
        "librarian",
        "counselor",
        "caregiver",
        "aide",
        "hygienist",
        "dentist",
        "surgeon",
        "volunteer",
        "member",
        "contractor",
        "freelancer",
        "freelance",
        "specialist",
    ]
)
TITLE_WORDS |= set(
    [
        "waiter",
        "waitress",
        "server",
        "bartender",
        "barista",
        "host",
        "hostess",
        "commis",
        "sous",
        "housekeeper",
        "cleaner",
        "janitor",
        "guard",
        "scientist",
        "postdoctoral",
        "postdoc",
        "researcher",
        "lecturer",
        "dean",
        "teacher",
        "trainer",
        "mentor",
        "nanny",
        "caretaker",
        "salesperson",
        "merchandiser",
        "stocker",
        "picker",
        "packer",
        "loader",
        "porter",
        "courier",
        "dispatcher",
        "machinist",
        "assembler",
        "fabricator",
        "plumber",
        "painter",
        "roofer",
        "laborer",
        "labourer",
        "handyman",
        "gardener",
        "landscaper",
        "farmer",
        "fisherman",
        "pilot",
        "steward",
        "stewardess",
        "attendant",
        "conductor",
        "ranger",
        "firefighter",
        "sergeant",
        "captain",
        "lieutenant",
        "konstrukteur",
        "entwicklungsingenieur",
        "ingenieur",
        "berater",
        "leiter",
        "entwickler",
        "ingeniero",
        "desarrollador",
        "analista",
        "gerente",
        "consultor",
        "ingénieur",
        "développeur",
        "chargé",
        "responsable",
    ]
)
ORG_WORDS = set(
    [
        "inc",
        "inc.",
        "llc",
        "ltd",
        "ltd.",
        "limited",
        "gmbh",
        "ag",
        "corp",
        "corp.",
        "corporation",
        "co",
        "co.",
        "company",
        "plc",
        "sa",
        "s.a.",
        "srl",
        "bv",
        "b.v.",
        "oy",
        "ab",
        "as",
        "pty",
        "technologies",
        "technology",
        "tech",
        "labs",
        "lab",
        "group",
        "bank",
        "university",
        "college",
        "institute",
        "school",
        "hospital",
        "clinic",
        "solutions",
        "systems",
        "software",
        "studio",
        "studios",
        "agency",
        "partners",
        "consulting",
        "services",
        "foundation",
        "network",
        "networks",
        "industries",
        "holdings",
        "capital",
        "ventures",
        "media",
        "health",
        "healthcare",
        "pharma",
        "pharmaceuticals",
        "energy",
        "motors",
        "airlines",
        "logistics",
        "analytics",
        "digital",
        "interactive",
        "games",
        "entertainment",
        "global",
        "international",
        "associates",
        "council",
        "ministry",
        "department",
        "authority",
        "government",
        "municipality",
        "city",
        "county",
        "state",
        "federal",
        "nhs",
    ]
)
ORG_WORDS |= set(
    [
        "hotel",
        "hôtel",
        "restaurant",
        "brasserie",
        "café",
        "cafe",
        "bistro",
        "bakery",
        "kitchen",
        "store",
        "stores",
        "shop",
        "market",
        "supermarket",
        "academy",
        "plc.",
        "s.a.s",
        "sas",
        "se",
        "kg",
        "ohg",
        "spa",
        "s.p.a.",
        "a/s",
        "asa",
        "nv",
        "n.v.",
        "k.k.",
        "pvt",
        "pte",
        "sdn",
        "bhd",
        "ltda",
        "s.a",
        "laboratory",
        "laboratories",
        "center",
        "centre",
        "medical",
        "trust",
        "fund",
        "enterprises",
        "freight",
        "fulfillment",
        "distribution",
        "warehouse",
        "factory",
        "manufacturing",
        "airline",
        "airport",
        "police",
        "army",
        "navy",
        "university",
    ]
)


_DEGREE_OF = (
    r" of (?:applied science|science|fine arts|arts|engineering|commerce|business administration|laws|"
    r"technology|education|philosophy|architecture|medicine|nursing|music|public health)"
)
DEGREE_RE = re.compile(
    r"\b(ph\.?\s?d\.?|doctor(?:ate)?(?:"
    + _DEGREE_OF
    + r")?|d\.phil|m\.?\s?b\.?\s?a\.?|master(?:'s|s)?(?:"
    + _DEGREE_OF
    + r"| degree)?|"
    r"m\.?\s?sc\.?|m\.?\s?s\.?(?=\s|,|$)|m\.?\s?a\.?(?=\s|,|$)|m\.?\s?eng\.?|m\.?\s?tech|m\.?\s?ed\.?|"
    r"bachelor(?:'s|s)?(?:" + _DEGREE_OF + r"| degree)?|b\.?\s?sc\.?|b\.?\s?s\.?(?=\s|,|$)|b\.?\s?a\.?(?=\s|,|$)|"
    r"b\.?\s?eng\.?|b\.?\s?tech|b\.?\s?e\.?(?=\s|,|$)|b\.?\s?com|bba|llb|ll\.m|j\.?d\.?(?=\s|,|$)|m\.?d\.?(?=\s|,|$)|"
    r"associate(?:'s)?(?: degree|" + _DEGREE_OF + r")|a\.?a\.?s?\.?(?=\s|,|$)|diploma(?: in)?|high school diploma|ged|"
    r"licenciatura|diplom|abitur|baccalauréat|hnd|btec|certificate in)",
    re.I,
)
INSTITUTION_RE = re.compile(
    r"(universit[yéäa]t?|universidad|università|université|universidade|college|institute|institut|school|academy|"
    r"polytechnic|politecnico|hochschule|école|ecole|iit|mit\b|conservatory|seminary)",
    re.I,
)
LANGUAGE_NAMES = set(
    [
        "english",
        "spanish",
        "french",
        "german",
        "italian",
        "portuguese",
        "dutch",
        "russian",
        "ukrainian",
        "polish",
        "czech",
        "slovak",
        "hungarian",
        "romanian",
        "bulgarian",
        "greek",
        "turkish",
        "arabic",
        "hebrew",
        "persian",
        "farsi",
        "urdu",
        "hindi",
        "bengali",
        "punjabi",
        "tamil",
        "telugu",
        "marathi",
        "gujarati",
        "kannada",
        "malayalam",
        "mandarin",
        "cantonese",
        "chinese",
        "japanese",
        "korean",
        "vietnamese",
        "thai",
        "indonesian",
        "malay",
        "tagalog",
        "filipino",
        "swahili",
        "yoruba",
        "igbo",
        "hausa",
        "amharic",
        "zulu",
        "afrikaans",
        "swedish",
        "norwegian",
        "danish",
        "finnish",
        "icelandic",
        "estonian",
        "latvian",
        "lithuanian",
        "serbian",
        "croatian",
        "bosnian",
        "slovenian",
        "albanian",
        "catalan",
        "basque",
        "galician",
        "irish",
        "welsh",
    ]
)

_BULLET_RE = re.compile(r"^\s*(?:[•·\-–—*▪◦‣●○■□➢➤►✓]|\d{1,2}[.)])\s+")
_SPLIT_RE = re.compile(r"\s*(?:\||•|·|—|–|\s-\s|,\s|\t|\s{3,}|\bat\b|@)\s*")
_EDU_SPLIT_RE = re.compile(r"\s*(?:\||•|·|—|–|\s-\s|,\s|\t|\s{3,})\s*")
_STRONG_SPLIT_RE = re.compile(r"\s*(?:\||•|·|—|–|\s-\s|\s/\s|:\s|\t|\s{3,}|\bat\b|@)\s*")


def _title_score(text: str) -> int:
    words = re.findall(r"[a-z][a-z.\-]*", text.lower())
    return sum(1 for w in words if w.strip(".") in TITLE_WORDS)


def _org_score(text: str) -> int:
    words = re.findall(r"[a-z][a-z.&\-]*", text.lower())
    return sum(1 for w in words if w in ORG_WORDS or w.rstrip(".") in ORG_WORDS)


def _looks_location(text: str) -> bool:
    text = text.strip()
    if re.fullmatch(r"remote|hybrid|on-?site|remote \(.*\)", text, re.I):
        return True
    m = re.fullmatch(r"([A-Z][\w'.\- ]{1,30}),\s*([A-Z][\w'.\- ]{1,30})", text)
    if m and _org_score(text) == 0 and _title_score(text) == 0:
        tail = m.group(2).strip()
        return (
            tail in US_STATES
            or (tail.lower() in COUNTRY_REGIONS and tail.lower() not in CITY_NAMES)
            or bool(re.fullmatch(r"[A-Z]{2}", tail))
        )
    return text.lower() in COUNTRY_REGIONS


# ---------------------------------------------------------------- parser
def _contact_block(lines: list[str]) -> range:
    """Lines around the first email: the name, headline and contact details, wherever they sit."""
    anchor = next((i for i, line in enumerate(lines) if EMAIL_RE.search(line)), None)
    if anchor is None:
        return range(0, 0)
    start = anchor
    while start > 0 and anchor - start < 4 and lines[start - 1] and not _heading_of(lines[start - 1]):
        start -= 1
    end = anchor + 1
    while end < len(lines) and end - anchor < 5 and lines[end] and not _heading_of(lines[end]):
        end += 1
    return range(start, end)


def _sections(lines: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    header: list[str] = []
    sections: dict[str, list[str]] = {}
    current = None
    block = _contact_block(lines)
    for index, line in enumerate(lines):
        if index in block:
            if index == block.start and current is not None:
                current = None
            header.append(line)
            continue
        kind = _heading_of(line)
        if kind:
            current = kind
            sections.setdefault(kind, [])
            continue
        # "Skills: Python, SQL" inline headings
        m = re.match(r"^([A-Za-z &]{3,30}):\s+(.+)$", line)
        if m and _heading_of(m.group(1)) in ("skills", "languages", "certifications") and current != "skills":
            sections.setdefault(_heading_of(m.group(1)), []).append(m.group(2))
            continue
        if current is None:
            header.append(line)
        else:
            sections[current].append(line)
    return header, sections


_NOT_NAMES = {"resume", "résumé", "curriculum vitae", "cv", "personal information", "personal details", "lebenslauf"}
_NAME_WORD = r"[\"“(]?[A-ZÀ-ÖØ-ÞĀ-ſ][a-zà-öø-ÿā-ſ'’\-]+(?:[A-Z][a-z]+)?[\"”)]?|[A-ZÀ-ÖØ-ÞĀ-ſ]+['’\-][A-ZÀ-ÖØ-ÞĀ-ſ]+|[A-ZÀ-ÖØ-ÞĀ-ſ]{2,}|[A-Z]\.|(?:de|da|van|von|der|den|del|di|la|le|bin|al|ibn|dos|du|ter)"  # noqa: E501


def _find_name(header: list[str], all_lines: list[str]) -> str | None:
    candidates = header[:8] if header else all_lines[:5]
    for line in candidates:
        clean = re.sub(r"^(name|nombre|nom|full name)\s*:\s*", "", line.strip(), flags=re.I)
        clean = re.split(r"\s*(?:\||•|·|,|\t| - | – | — )\s*", clean)[0].strip()
        clean = re.sub(r"^(dr|mr|mrs|ms|mx|prof|eng|ing)\.?\s+", "", clean, flags=re.I)
        if clean.lower() in _NOT_NAMES or all(_heading_of(w) for w in clean.split()):
            continue
        if not clean or EMAIL_RE.search(clean) or re.search(r"\d", clean) or len(clean) > 60:
            continue
        if _heading_of(clean) or URL_RE.search(clean) or skill_taxonomy.canonical(clean):
            continue
        words = clean.split()
        if not 2 <= len(words) <= 5:
            continue
        if all(re.fullmatch(_NAME_WORD, w) for w in words) and _title_score(clean) == 0:
            if clean.isupper():
                clean = " ".join(w.capitalize() if len(w) > 2 else w.capitalize() for w in words)
            return clean
        if re.fullmatch(r"[\u4e00-\u9fff\u3040-\u30ff\uac00-\ud7af]{2,6}", clean):
            return clean
    # CJK / single-token fallbacks
    for line in candidates:
        if re.fullmatch(r"[\u4e00-\u9fff\u3040-\u30ff\uac00-\ud7af ]{2,12}", line.strip()):
            return line.strip()
    return None


def _entries(lines: list[str]) -> list[tuple[list[str], list[str], re.Match | None]]:
    """Split a section into entries: (head lines, body lines, date-range match) anchored on date ranges."""
    blocks: list[dict] = []
    current: dict | None = None
    for line in lines:
        if not line:
            if current is not None:
                current["gap"] = True
            continue
        is_bullet = bool(_BULLET_RE.match(line))
        match = DATE_RANGE_RE.search(line) if not is_bullet else None
        if match and current is not None and current["date"] is None and not current["body"]:
            current["head"].append(line)
            current["date"] = match
            current["date_line"] = len(current["head"]) - 1
            continue
        if match:
            current = {"head": [line], "body": [], "date": match, "date_line": 0, "gap": False}
            # pull preceding non-bullet head lines from the previous block's body (entry heading above the date)
            if blocks:
                prev = blocks[-1]
                moved = []
                if not prev["body"] and prev["date_line"] and len(prev["head"]) > prev["date_line"] + 1:
                    # headings come before dates in this resume: lines after the previous date are ours
                    moved = prev["head"][prev["date_line"] + 1 :]
                    prev["head"] = prev["head"][: prev["date_line"] + 1]
                while (
                    prev["body"]
                    and not _BULLET_RE.match(prev["body"][-1])
                    and len(moved) < 2
                    and (len(prev["body"][-1]) < 90)
                ):
                    if prev["body"][-1].endswith(".") and len(prev["body"][-1]) > 50:
                        break
                    moved.insert(0, prev["body"].pop())
                current["head"] = moved + current["head"]
                current["date_line"] = len(moved)
            blocks.append(current)
            continue
        if current is None:
            current = {"head": [line], "body": [], "date": None, "date_line": None, "gap": False}
            blocks.append(current)
            continue
        if (
            not is_bullet
            and not current["body"]
            and len(current["head"]) < 3
            and len(line) < 90
            and not (line.endswith(".") and len(line) > 40)
        ):
            current["head"].append(line)
        else:
            current["body"].append(line)
    # merge date-less leading blocks into the next one
    merged = []
    pending: list[str] = []
    for block in blocks:
        if block["date"] is None:
            pending.extend(block["head"] + block["body"])
            continue
        if pending:
            block["head"] = pending[-2:] + block["head"]
            pending = []
        merged.append((block["head"], block["body"], block["date"]))
    return merged


def _strip_dates(text: str) -> str:
    text = DATE_RANGE_RE.sub(" ", text)
    text = re.sub(r"\(\s*\)|\[\s*\]", " ", text)
    return re.sub(r"\s+", " ", text).strip(" ,|-–—•·()")


def _experience(lines: list[str]) -> list[dict]:
    out = []
    for head, body, date in _entries(lines):
        head_text = [_strip_dates(_BULLET_RE.sub("", h)) for h in head]
        segments: list[str] = []
        for h in head_text:
            for part in _STRONG_SPLIT_RE.split(h):
                part = part.strip(" ,|-–—•·()/")
                if (
                    part
                    and not re.fullmatch(r"[\W\d]*", part)
                    and not (len(part) > 60 or (part.endswith(".") and len(part.split()) > 4))
                ):
                    segments.append(part)
        peeled: list[str] = []
        location = None
        for seg in segments:  # "Acme Ltd, Houston, TX": peel the location off the end
            parts = seg.split(", ")
            if location is None and len(parts) >= 3 and _looks_location(", ".join(parts[-2:])):
                location, seg = ", ".join(parts[-2:]), ", ".join(parts[:-2])
            elif location is None and len(parts) == 2 and _looks_location(seg):
                location, seg = seg, ""
            if seg:
                peeled.append(seg)
        segments = peeled
        if len(segments) < 2:
            segments = [p.strip() for seg in segments for p in seg.split(", ") if p.strip()]
        rest = list(segments)
        # "City, ST" split by ", " into two segments: rejoin first
        for i in reversed(range(len(rest) - 1) if location is None else range(0)):
            if _looks_location(f"{rest[i]}, {rest[i + 1]}"):
                location = f"{rest[i]}, {rest[i + 1]}"
                rest = rest[:i] + rest[i + 2 :]
                break
        if location is None:
            for seg in rest:
                if _looks_location(seg) and _org_score(seg) == 0:
                    location = seg
                    rest = [s for s in rest if s is not seg]
                    break
        title = company = None
        if rest:
            scored = sorted(rest, key=lambda s: (-_title_score(s) + _org_score(s), rest.index(s)))
            if _title_score(scored[0]) > 0:
                title = scored[0]
            remaining = [s for s in rest if s is not title]
            if remaining:
                orgs = sorted(remaining, key=lambda s: (-_org_score(s) + _title_score(s), remaining.index(s)))
                company = orgs[0]
            if title is None and len(rest) >= 2:
                title = rest[1] if rest[0] == company else rest[0]
        if company:
            tail = re.search(r",\s*([A-Z][\w .'-]{1,25}?)\s*(\([A-Za-z ]+\))?$", company)
            if tail and _org_score(tail.group(0)) == 0 and len(company[: tail.start()].strip()) >= 2:
                location = location or company[tail.start() :].strip(" ,")
                company = company[: tail.start()].strip()
        start = parse_date(date.group("start"))
        end = parse_date(date.group("end"))
        is_current = bool(re.fullmatch(_PRESENT, date.group("end").strip(), re.I))
        description = "\n".join(_BULLET_RE.sub("• ", b) for b in body).strip()
        if not (title or company):
            continue
        out.append(
            {
                "title": title,
                "company": company,
                "location": location,
                "start": start,
                "end": None if is_current else end,
                "is_current": is_current,
                "description": description,
            }
        )
    return out


def _education(lines: list[str]) -> list[dict]:
    out: list[dict] = []
    groups: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if not line:
            if current:
                groups.append(current)
                current = []
            continue
        starts_new = (
            bool(DEGREE_RE.search(line) or INSTITUTION_RE.search(line))
            and current
            and (
                (DEGREE_RE.search(line) and any(DEGREE_RE.search(c) for c in current))
                or (INSTITUTION_RE.search(line) and any(INSTITUTION_RE.search(c) for c in current))
            )
        )
        if starts_new:
            groups.append(current)
            current = []
        current.append(line)
    if current:
        groups.append(current)
    for group in groups:
        text = " | ".join(group)
        degree_match = DEGREE_RE.search(text)
        inst = None
        for part in _EDU_SPLIT_RE.split(_strip_dates(text)):
            if INSTITUTION_RE.search(part) and not DEGREE_RE.match(part.strip()):
                inst = part.strip(" ,|-–—•·()")
                break
        if not degree_match and not inst:
            continue
        degree = field_ = None
        if degree_match:
            degree = degree_match.group(0).strip()
            after = text[degree_match.end() :]
            m = re.match(r"\s*(?:in|of|,|-|–|:)?\s*([A-Z][\w&/' ]{2,60}?)(?=\s*(?:\||,|\(|\d|–|-|$| at ))", after)
            if m and not INSTITUTION_RE.search(m.group(1)):
                field_ = m.group(1).strip()
        dates = DATE_RANGE_RE.search(text)
        start = end = None
        if dates:
            start, end = parse_date(dates.group("start")), parse_date(dates.group("end"))
        else:
            singles = SINGLE_DATE_RE.findall(text)
            if singles:
                end = parse_date(singles[-1])
                if len(singles) > 1:
                    start = parse_date(singles[0])
        out.append({"degree": degree, "field": field_, "institution": inst, "start": start, "end": end})
    return out


def _list_items(lines: list[str]) -> list[str]:
    items = []
    for line in lines:
        line = _BULLET_RE.sub("", line).strip()
        if not line:
            continue
        if ":" in line and len(line.split(":", 1)[0]) < 30:
            line = line.split(":", 1)[1]
        for part in re.split(r"\s*(?:,|;|\||•|·|/(?!\w*\.)|\t)\s*", line):
            part = part.strip(" .")
            if part and len(part) < 60:
                items.append(part)
    return items


def _skills(sections: dict[str, list[str]], text: str) -> list[dict]:
    result: list[dict] = []
    seen: set[str] = set()

    def add(name: str, skill) -> None:
        key = (skill.name if skill else name).lower()
        if key in seen:
            return
        seen.add(key)
        result.append(
            {"name": name, "canonical": skill.name if skill else None, "category": skill.category if skill else None}
        )

    for item in _list_items(sections.get("skills", [])):
        item_clean = re.sub(r"\s*\((?:[^)]*)\)$", "", item).strip()
        skill = skill_taxonomy.canonical(item_clean)
        if skill:
            add(item_clean, skill)
        else:
            inner = skill_taxonomy.find_skills(item_clean)
            if inner:
                for found in inner:
                    add(found.name, found)
            elif 1 < len(item_clean) <= 40 and len(item_clean.split()) <= 4 and not re.search(r"\d{3}", item_clean):
                add(item_clean, None)
    for skill in skill_taxonomy.find_skills(text):
        add(skill.name, skill)
    return result


def _languages(lines: list[str]) -> list[str]:
    out = []
    for item in _list_items(lines):
        word = re.split(r"[\s(–—-]", item.strip())[0]
        if word.lower() in LANGUAGE_NAMES and word.capitalize() not in out:
            out.append(word.capitalize())
    return out


def _demarkdown(line: str) -> str:
    """Markdown/plain-text decoration off a line: # headings, **bold**, _italics_, [text](url)."""
    if not line:
        return line
    line = re.sub(r"\[([^\]]+)\]\(((?:https?://|mailto:)[^)]+)\)", lambda m: m.group(2).removeprefix("mailto:"), line)
    line = re.sub(r"^#{1,6}\s+", "", line)
    line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
    line = re.sub(r"(?<![\w*])[*_](\S[^*_]*?)[*_](?![\w*])", r"\1", line)
    return line


def parse_text(text: str, *, today: dt.date | None = None) -> dict:
    """The structured resume of already-extracted text."""
    lines = [_demarkdown(line.strip()) for line in text.split("\n")]
    header, sections = _sections(lines)
    links = {"linkedin": None, "github": None, "portfolio": None, "other": []}
    emails: list[str] = []
    for m in EMAIL_RE.finditer(text):
        email = m.group(0).strip(".").lower()
        if email not in emails:
            emails.append(email)
    for m in URL_RE.finditer(text):
        url = m.group(0)
        if "@" in url:
            continue
        _classify_link(url, links)
    name = _find_name(header, [ln for ln in lines if ln])

    location = None
    for line in header[:10]:
        for part in re.split(r"\s*(?:\||•|·|\t|\s{2,}| – | — )\s*", line):
            part = re.sub(r"^(location|address|based in)\s*:\s*", "", part.strip(), flags=re.I)
            if (
                part
                and part != name
                and not EMAIL_RE.search(part)
                and not URL_RE.search(part)
                and _looks_location(part)
            ):
                location = part
                break
        if location:
            break
    region = _region_hint(location or " ".join(header[:10]))
    phones = find_phones("\n".join(header) if header else text[:2000], region) or find_phones(text, region)

    headline = None
    for line in header[:8]:
        if line and line != name and not EMAIL_RE.search(line) and not URL_RE.search(line):
            if location and location in line:
                continue
            if re.search(r"\d{3}", line) or len(line) > 100:
                continue
            if name and (line.lower().startswith(name.lower()) or line.lower().replace(".", "") == name.lower()):
                continue
            headline = line.strip(" |")
            break

    experience = _experience(sections.get("experience", []))
    education = _education(sections.get("education", []))
    summary_lines = [ln for ln in sections.get("summary", []) if ln]
    summary = " ".join(summary_lines) or None
    certifications = [_BULLET_RE.sub("", ln).strip() for ln in sections.get("certifications", []) if ln.strip()]
    return {
        "name": name,
        "emails": emails,
        "phones": phones,
        "location": location,
        "links": links,
        "headline": headline,
        "summary": summary,
        "skills": _skills(sections, text),
        "experience": experience,
        "education": education,
        "certifications": certifications,
        "languages": _languages(sections.get("languages", [])),
        "total_years_experience": total_years(experience, today),
        "text": text,
        "parser": {"method": PARSER_METHOD, "version": PARSER_VERSION},
    }


def parse_resume(content: bytes, file_name: str = "", mime_type: str = "", *, today: dt.date | None = None) -> dict:
    """The structured resume of a file; raises ParseError with a readable reason."""
    text, kind = extract_text(content, file_name, mime_type)
    resume = parse_text(text, today=today)
    resume["parser"]["format"] = kind
    return resume


def try_parse(content: bytes, file_name: str = "", mime_type: str = "") -> ParseResult:
    try:
        resume = parse_resume(content, file_name, mime_type)
    except ParseError as exc:
        return ParseResult(ok=False, reason=exc.reason, code=exc.code)
    return ParseResult(ok=True, resume=resume, kind=resume["parser"].get("format", ""))
