"""The skill taxonomy shipped with Hireloop (data/skills.json) and skill extraction from free text.

Every skill has a canonical name, a category and aliases ("JS" -> JavaScript, "k8s" -> Kubernetes).
The same functions serve resumes, job requirements and interview analysis.
"""

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# Names that are ordinary words or letters: matched only with their exact capitalisation.
_CASE_SENSITIVE = {
    "C",
    "R",
    "Go",
    "Swift",
    "Spring",
    "Excel",
    "Epic",
    "Express",
    "Rust",
    "Julia",
    "Dart",
    "Lua",
    "Chef",
    "Puppet",
    "Unity",
    "Looker",
    "Sketch",
    "Lean",
    "Flask",
    "Ruby",
    "Jest",
    "Helm",
    "Vite",
    "Redux",
    "Assembly",
    "Snowflake",
    "Strategy",
    "Forecasting",
    "Spark",
    "Node",
    "Oracle",
    "Lambda",
    "Shell",
    "Containers",
    "Angular",
    "Pandas",
    "Electron",
    "Celery",
    "Teaching",
    "Cooking",
    "Driving",
    "Translation",
    "Coaching",
    "Collaboration",
    "Presentations",
    "Communication",
    "Leadership",
    "Teamwork",
    "Mentoring",
    "Adaptability",
    "Networking",
    "Sales",
    "Compliance",
    "Sourcing",
    "Onboarding",
    "Negotiation",
    "Budgeting",
    "Logistics",
    "Welding",
    "Carpentry",
    "Prototyping",
    "Social Media",
    "Agile",
    "Statistics",
    "Embedded",
    "Firmware",
}


@dataclass(frozen=True)
class Skill:
    name: str
    category: str
    aliases: tuple[str, ...]


@lru_cache(maxsize=1)
def taxonomy() -> dict:
    with resources.files("hireloop.ai").joinpath("data/skills.json").open(encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, Skill], list[tuple[re.Pattern, Skill]]]:
    by_term: dict[str, Skill] = {}
    patterns: list[tuple[re.Pattern, Skill]] = []
    for row in taxonomy()["skills"]:
        skill = Skill(row["name"], row["category"], tuple(row["aliases"]))
        for term in (skill.name, *skill.aliases):
            by_term.setdefault(term.lower(), skill)
            flags = 0 if (term in _CASE_SENSITIVE or len(term) <= 2) else re.IGNORECASE
            escaped = re.escape(term).replace(r"\ ", r"[\s\-]?")
            # no letter/digit before; after: no letter/digit and for C/F/.NET-like names no + or #
            patterns.append((re.compile(rf"(?<![\w.+#-]){escaped}(?![\w+#]|\.\w|-\w)", flags), skill))
    # longest terms first so "Spring Boot" wins over "Spring", "Objective-C" over "C"
    patterns.sort(key=lambda p: -len(p[0].pattern))
    return by_term, patterns


def version() -> str:
    return taxonomy()["version"]


def canonical(term: str) -> Skill | None:
    """The taxonomy skill a term names (case-insensitive, aliases included), or None."""
    cleaned = re.sub(r"\s+", " ", term.strip().strip(".:;,")).lower()
    if not cleaned:
        return None
    skill = _index()[0].get(cleaned)
    if skill is None and cleaned.endswith(" (advanced)"):
        skill = _index()[0].get(cleaned[:-11])
    return skill


def find_skills(text: str) -> list[Skill]:
    """Taxonomy skills mentioned in free text, in order of first mention, each once."""
    found: dict[str, tuple[int, Skill]] = {}
    taken: list[tuple[int, int]] = []
    for pattern, skill in _index()[1]:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            if skill.name not in found or start < found[skill.name][0]:
                found[skill.name] = (start, skill)
    return [skill for _, skill in sorted(found.values(), key=lambda item: item[0])]


def skill_names(text: str) -> set[str]:
    return {skill.name for skill in find_skills(text)}
