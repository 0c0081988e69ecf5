"""Explained application scores: a resume against a job's criteria, blind by construction.

For each criterion (title, text, weight) the score (0-100) comes from evidence in the resume:

- semantic: the best cosine similarity between the criterion and resume passages (sentences / lines),
  mapped linearly from the embedder's calibrated [low, high] range to [0, 100];
- skills: required skills named by the criterion (through the taxonomy) covered by the resume;
- years: total years of experience against the years the criterion asks for;
- education: the highest degree level found against the level asked for.

A criterion that names skills scores 0.65 coverage + 0.35 semantic; one that asks for years 0.7 years +
0.3 semantic; one about a degree 0.6 education + 0.4 semantic; any other is semantic only.
`total_score` is the weighted mean. Recommendation tiers (RECOMMENDATION_THRESHOLDS):
strong_yes >= 80, yes >= 65, maybe >= 45, otherwise no.

Blind: scoring sees only `blind_resume_text()` — the resume with the contact block, names, emails,
phones, links, addresses, ages/birth dates and gendered words removed or neutralised. The input hash is
taken over that blind text and the criteria, so changing only identity details changes nothing.
"""

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field

from hireloop.ai import skills as taxonomy
from hireloop.ai.embeddings import get_embedder, vector_cache
from hireloop.ai.parsing import (
    EMAIL_RE,
    PARSER_VERSION,
    URL_RE,
    _contact_block,
    _heading_of,
    find_phones,
    parse_text,
)

SCORER_VERSION = "1.0.0"
RECOMMENDATION_THRESHOLDS = (("strong_yes", 80), ("yes", 65), ("maybe", 45), ("no", 0))
MAX_PASSAGES = 48

GENDER_WORDS = {
    "he": "they",
    "she": "they",
    "him": "them",
    "her": "their",
    "his": "their",
    "hers": "theirs",
    "himself": "themself",
    "herself": "themself",
    "mr": "",
    "mrs": "",
    "ms": "",
    "miss": "",
    "sir": "",
    "madam": "",
    "man": "person",
    "woman": "person",
    "men": "people",
    "women": "people",
    "male": "",
    "female": "",
    "boy": "person",
    "girl": "person",
    "mother": "parent",
    "father": "parent",
    "mom": "parent",
    "dad": "parent",
    "wife": "partner",
    "husband": "partner",
    "son": "child",
    "daughter": "child",
    "gentleman": "person",
    "lady": "person",
    "businessman": "businessperson",
    "businesswoman": "businessperson",
    "chairman": "chair",
    "chairwoman": "chair",
    "salesman": "salesperson",
    "saleswoman": "salesperson",
    "maternity": "parental",
    "paternity": "parental",
    "brother": "sibling",
    "sister": "sibling",
}
_GENDER_RE = re.compile(r"\b(" + "|".join(sorted(GENDER_WORDS, key=len, reverse=True)) + r")\b\.?", re.I)
_AGE_RE = re.compile(
    r"\b(?:age[d:]?\s*\d{2}|\d{2}\s*(?:years|yrs)\s*old|(?:date of birth|dob|born(?: on| in)?|birth ?date|"
    r"geburtsdatum|nationality|marital status|gender|sex)\s*:?\s*[^\n]{0,40})",
    re.I,
)
_ADDRESS_RE = re.compile(
    r"(?:\b(?:address|adresse|dirección|anschrift|home|residence)\s*:[^\n]*)|"
    r"(?:\b\d{1,5}[a-z]?\s+(?:[A-Z][\w'.-]*\s+){1,4}(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|"
    r"way|court|ct|place|pl|terrace|crescent|close)\b\.?[^\n]{0,60})|"
    r"(?:\b(?:via|calle|rue|rua|avenida|strasse|straße|ulica|ul\.)\s+[^\n,]{2,40}\d[^\n]{0,40})",
    re.I,
)
DEGREE_LEVELS = [
    (4, r"\b(ph\.?\s?d|doctor(?:ate)?|d\.phil)"),
    (3, r"\b(master|m\.?\s?sc|m\.?\s?s\.?\b|m\.?\s?a\.?\b|mba|m\.?\s?eng|m\.?\s?tech|ll\.?m)"),
    (2, r"\b(bachelor|b\.?\s?sc|b\.?\s?s\.?\b|b\.?\s?a\.?\b|b\.?\s?eng|b\.?\s?tech|b\.?\s?e\.?\b|b\.?com|bba|degree)"),
    (1, r"\b(associate|diploma|certificate|high school|ged)"),
]
_LEVEL_NAMES = {4: "a doctorate", 3: "a master's degree", 2: "a bachelor's degree", 1: "a diploma"}
_YEARS_RE = re.compile(r"(\d{1,2})\s*\+?\s*(?:-\s*\d{1,2}\s*)?(?:\+\s*)?(?:years?|yrs?)", re.I)


@dataclass
class Criterion:
    title: str
    text: str
    weight: float = 1.0
    kind: str = ""  # skills | years | education | semantic (derived when empty)


@dataclass
class CriterionResult:
    criterion_title: str
    criterion_text: str
    score: int
    justification: str
    followup_questions: list[str]
    evidence: list[str] = field(default_factory=list)
    matched_skills: list[str] = field(default_factory=list)
    missing_skills: list[str] = field(default_factory=list)
    weight: float = 1.0

    def as_dict(self) -> dict:
        return {
            "criterion_title": self.criterion_title,
            "criterion_text": self.criterion_text,
            "score": self.score,
            "justification": self.justification,
            "followup_questions": self.followup_questions,
        }


@dataclass
class ScoreResult:
    total_score: int
    recommendation: str
    summary: str
    criteria: list[CriterionResult]
    method: str
    provenance: dict
    input_hash: str

    def criteria_dicts(self) -> list[dict]:
        return [c.as_dict() for c in self.criteria]


# ---------------------------------------------------------------- blinding
def blind_resume_text(resume: dict) -> str:
    """The resume text with identity removed: what the scorer is allowed to see."""
    text = resume.get("text") or ""
    lines = text.split("\n")
    block = _contact_block(lines)
    kept = [line for i, line in enumerate(lines) if i not in block]
    if resume.get("headline") and block:
        kept.insert(0, resume["headline"])
    out = "\n".join(kept)
    out = EMAIL_RE.sub(" ", out)
    out = URL_RE.sub(" ", out)
    for phone in find_phones(out, "US") + list(resume.get("phones") or []):
        digits = re.sub(r"\D", "", phone)[-7:]
        if digits:
            out = re.sub(
                r"[+(]?\d[\d\s().\-/]{5,}\d",
                lambda m, d=digits: " " if d in re.sub(r"\D", "", m.group()) else m.group(),
                out,
            )
    names = [w for w in re.split(r"[\s\"“”()]+", resume.get("name") or "") if len(w.strip(".")) > 1]
    for word in names:
        out = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", " ", out, flags=re.I)
    for place in filter(None, [resume.get("location")]):
        out = out.replace(place, " ")
    out = _AGE_RE.sub(" ", out)
    out = _ADDRESS_RE.sub(" ", out)
    out = _GENDER_RE.sub(lambda m: GENDER_WORDS[m.group(1).lower().rstrip(".")], out)
    out = re.sub(r"[ \t]+", " ", out)
    out = "\n".join(line.strip() for line in out.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", out).strip()


def passages(blind_text: str) -> list[str]:
    """Short evidence passages: lines, long lines cut at sentence ends, tiny lines glued to the next."""
    out: list[str] = []
    buffer = ""
    for raw in blind_text.split("\n"):
        line = re.sub(r"^[•·\-–*▪◦]\s*", "", raw.strip())
        if not line or _heading_of(line):
            continue
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line):
            piece = (buffer + " " + sentence).strip() if buffer else sentence
            if len(piece.split()) < 4:
                buffer = piece
                continue
            buffer = ""
            words = piece.split()
            for i in range(0, len(words), 40):
                out.append(" ".join(words[i : i + 40]))
    if buffer:
        out.append(buffer)
    if len(out) > MAX_PASSAGES:  # keep the head (headline, summary) and the longest of the rest
        head, rest = out[:8], out[8:]
        rest = sorted(rest, key=len, reverse=True)[: MAX_PASSAGES - 8]
        out = head + [p for p in out[8:] if p in set(rest)]
    return out


# ---------------------------------------------------------------- criteria
def _degree_level(text: str) -> int:
    for level, pattern in DEGREE_LEVELS:
        if re.search(pattern, text, re.I):
            return level
    return 0


def _required_years(text: str) -> float | None:
    values = [int(m.group(1)) for m in _YEARS_RE.finditer(text) if 0 < int(m.group(1)) < 40]
    return float(min(values)) if values else None


def classify(criterion: Criterion) -> Criterion:
    if criterion.kind:
        return criterion
    text = f"{criterion.title} {criterion.text}"
    if _required_years(text) is not None and re.search(r"experience|years", text, re.I):
        kind = "years"
    elif taxonomy.find_skills(text) and not re.search(r"\b(degree|education)\b", text, re.I):
        kind = "skills"
    elif re.search(r"\b(degree|education|bachelor|master|phd|diploma)\b", text, re.I):
        kind = "education"
    else:
        kind = "semantic"
    return Criterion(criterion.title, criterion.text, criterion.weight, kind)


def default_criteria(title: str, description: str = "", requirements: str = "") -> list[Criterion]:
    """Sensible criteria for a job that has none: required skills, experience level, education, role fit."""
    source = f"{title}\n{requirements}\n{description}"
    found = [s.name for s in taxonomy.find_skills(source) if s.category != "soft_skill"][:12]
    criteria: list[Criterion] = []
    if found:
        criteria.append(Criterion("Required skills", f"Hands-on experience with {', '.join(found)}.", 0.4, "skills"))
    years = _required_years(source)
    if years is None:
        low = title.lower()
        years = (
            7.0
            if re.search(r"\b(principal|staff|head|director|vp|chief)\b", low)
            else (
                5.0
                if re.search(r"\b(senior|sr\.?|lead)\b", low)
                else (0.0 if re.search(r"\b(junior|jr|intern|graduate|trainee)\b", low) else 2.0)
            )
        )
    if years:
        criteria.append(
            Criterion(
                "Experience level", f"At least {years:g} years of relevant professional experience.", 0.25, "years"
            )
        )
    level = _degree_level(f"{requirements}\n{description}")
    if level:
        criteria.append(Criterion("Education", f"Holds {_LEVEL_NAMES[level]} or equivalent.", 0.1, "education"))
    first = " ".join(re.split(r"(?<=[.!?])\s+", description.strip())[:2]).strip()
    criteria.append(Criterion("Role fit", f"Experience as {title}. {first}".strip(), 0.25, "semantic"))
    return criteria


def criteria_version(criteria: list[Criterion]) -> str:
    raw = json.dumps([[c.title, c.text, c.weight] for c in criteria], ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


# ---------------------------------------------------------------- scoring
def _scale(value: float, low: float, high: float) -> float:
    return max(0.0, min(1.0, (value - low) / (high - low)))


def _quote(text: str, limit: int = 140) -> str:
    text = text.strip()
    return "“" + (text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…") + "”"


def method_name(embedder=None, llm: bool = False) -> str:
    embedder = embedder or get_embedder()
    base = "embedding+taxonomy" if embedder.kind == "embedding" else "lexical+taxonomy"
    return base + ("+llm-prose" if llm else "+template-prose")


def input_hash_for(blind_text: str, criteria: list[Criterion], embedder=None) -> str:
    embedder = embedder or get_embedder()
    raw = json.dumps(
        {
            "text": blind_text,
            "criteria": [[c.title, c.text, c.weight] for c in criteria],
            "embedder": [embedder.name, embedder.version],
            "scorer": SCORER_VERSION,
            "taxonomy": taxonomy.version(),
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(raw.encode()).hexdigest()


def tier(total: int) -> str:
    return next(name for name, threshold in RECOMMENDATION_THRESHOLDS if total >= threshold)


def score_resume(
    resume: dict | str,
    criteria: list[Criterion],
    *,
    job_title: str = "",
    llm=None,
    now: dt.datetime | None = None,
) -> ScoreResult:
    """Score a parsed resume (or raw resume text) against criteria; deterministic for the same inputs."""
    if isinstance(resume, str):
        resume = parse_text(resume)
    embedder = get_embedder()
    criteria = [classify(c) for c in criteria] or [Criterion("Role fit", job_title or "Relevant experience", 1.0)]
    blind = blind_resume_text(resume)
    blind_struct = parse_text(blind)  # skills / years / degrees seen through the blind text only
    chunks = passages(blind) or [""]
    have_skills = {s.name for s in taxonomy.find_skills(blind)}
    years = blind_struct["total_years_experience"] or 0.0
    level = max([_degree_level(e.get("degree") or "") for e in blind_struct["education"]], default=0)

    chunk_vecs = vector_cache.encode(embedder, chunks)
    crit_vecs = vector_cache.encode(embedder, [f"{c.title}: {c.text}" for c in criteria])
    sims = embedder.similarity(crit_vecs, chunk_vecs)

    results = []
    for criterion, row in zip(criteria, sims, strict=True):
        ranked = sorted(range(len(chunks)), key=lambda i: -row[i]) if row else []
        best = row[ranked[0]] if ranked else 0.0
        top = [row[i] for i in ranked[:3]]
        semantic = _scale(0.7 * best + 0.3 * (sum(top) / len(top) if top else 0.0), embedder.low, embedder.high)
        evidence = [chunks[i] for i in ranked[:2] if row[i] >= embedder.low]
        parts, questions = [], []
        matched: list[str] = []
        missing: list[str] = []
        if criterion.kind == "skills":
            wanted = [s.name for s in taxonomy.find_skills(f"{criterion.title} {criterion.text}")]
            matched = [s for s in wanted if s in have_skills]
            missing = [s for s in wanted if s not in have_skills]
            coverage = len(matched) / len(wanted) if wanted else 0.0
            value = 0.65 * coverage + 0.35 * semantic
            if matched:
                parts.append(f"Covers {len(matched)} of {len(wanted)} required skills: {', '.join(matched)}.")
            if missing:
                parts.append(f"No evidence of {', '.join(missing)}.")
                questions += [f"What hands-on experience do you have with {s}?" for s in missing[:3]]
        elif criterion.kind == "years":
            need = _required_years(f"{criterion.title} {criterion.text}") or 0.0
            ratio = min(1.0, years / need) if need else 1.0
            value = 0.7 * ratio + 0.3 * semantic
            parts.append(f"About {years:g} years of dated experience against {need:g} asked for.")
            if years < need:
                questions.append(
                    f"The role asks for {need:g} years; which work not listed with dates adds to your experience?"
                )
        elif criterion.kind == "education":
            need_level = _degree_level(criterion.text) or 2
            edu = 1.0 if level >= need_level else (0.5 if level else 0.0)
            value = 0.6 * edu + 0.4 * semantic
            if level:
                parts.append(f"Highest degree found: {_LEVEL_NAMES[level]}.")
            else:
                parts.append("No degree found in the resume.")
            if level < need_level:
                questions.append(f"Do you hold {_LEVEL_NAMES[need_level]} or equivalent training or experience?")
        else:
            value = semantic
        score = round(100 * value)
        if evidence:
            parts.insert(0, f"Evidence: {_quote(evidence[0])}.")
        else:
            parts.insert(0, "No passage of the resume addresses this criterion directly.")
        if semantic < 0.4 and criterion.kind in ("semantic", "skills"):
            questions.append(f"Can you describe work you have done that shows: {criterion.title.lower()}?")
        results.append(
            CriterionResult(
                criterion_title=criterion.title,
                criterion_text=criterion.text,
                score=score,
                justification=" ".join(parts),
                followup_questions=questions[:3],
                evidence=evidence,
                matched_skills=matched,
                missing_skills=missing,
                weight=criterion.weight,
            )
        )
    weights = sum(max(r.weight, 0.0) for r in results) or 1.0
    total = round(sum(r.score * max(r.weight, 0.0) for r in results) / weights)
    recommendation = tier(total)
    strongest = max(results, key=lambda r: r.score)
    weakest = min(results, key=lambda r: r.score)
    summary = (
        f"Scores {total}/100 ({recommendation.replace('_', ' ')}) on {len(results)} criteria; strongest on "
        f"{strongest.criterion_title.lower()} ({strongest.score}), weakest on {weakest.criterion_title.lower()} "
        f"({weakest.score}); about {years:g} years of dated experience."
    )
    used_llm = False
    if llm is not None:
        used_llm = llm.rewrite(job_title=job_title, results=results, summary=summary, total=total)
        if used_llm:
            summary = used_llm if isinstance(used_llm, str) else summary
    digest = input_hash_for(blind, criteria, embedder)
    now = now or dt.datetime.now(dt.UTC)
    method = method_name(embedder, llm=bool(used_llm))
    provenance = {
        "method": method,
        "models": [
            {"role": "embedding", "name": embedder.name, "version": embedder.version},
            {"role": "skills", "name": "hireloop skill taxonomy", "version": taxonomy.version()},
            {"role": "parser", "name": "hireloop resume parser", "version": PARSER_VERSION},
        ]
        + ([{"role": "prose", "name": llm.model, "version": llm.base_url}] if used_llm else []),
        "scorer_version": SCORER_VERSION,
        "criteria_version": criteria_version(criteria),
        "input_hash": digest,
        "blind": True,
        "thresholds": {name: threshold for name, threshold in RECOMMENDATION_THRESHOLDS},
        "scored_at": now.isoformat(),
    }
    return ScoreResult(total, recommendation, summary, results, method, provenance, digest)
