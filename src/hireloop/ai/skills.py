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
def _index() -> tuple[dict[str, Skill], dict[str, list[tuple[str, Skill]]], int]:
    by_term: dict[str, Skill] = {}
    phrases: dict[str, list[tuple[str, Skill]]] = {}
    longest = 1
    for row in taxonomy()["skills"]:
        skill = Skill(row["name"], row["category"], tuple(row["aliases"]))
        for term in (skill.name, *skill.aliases):
            by_term.setdefault(term.lower(), skill)
            words = term.split()
            longest = max(longest, len(words))
            phrases.setdefault(" ".join(words).lower(), []).append((term, skill))
    return by_term, phrases, longest


_TOKEN_RE = re.compile(r"[^\s,;:()\[\]{}|•·\"'!?<>]+")


def _tokens(text: str) -> list[tuple[str, int]]:
    phrases = _index()[1]
    out: list[tuple[str, int]] = []
    for match in _TOKEN_RE.finditer(text):
        token, start = match.group(), match.start()
        if token.endswith(".") and token.lower() not in phrases:
            token = token.rstrip(".")
        if "/" in token and token.lower() not in phrases:
            offset = start
            for part in token.split("/"):
                if part:
                    out.append((part, offset))
                offset += len(part) + 1
        elif token:
            out.append((token, start))
    return out


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
    """Taxonomy skills mentioned in free text, in order of first mention, each once.

    Longest phrase first ("Spring Boot" over "Spring"); ordinary words and one-letter names ("Go", "C",
    "Excel") count only with their exact capitalisation.
    """
    _, phrases, longest = _index()
    tokens = _tokens(text)
    found: dict[str, Skill] = {}
    i = 0
    while i < len(tokens):
        matched = 0
        for n in range(min(longest, len(tokens) - i), 0, -1):
            words = [t for t, _ in tokens[i : i + n]]
            phrase = " ".join(words)
            for term, skill in phrases.get(phrase.lower(), ()):
                if (term in _CASE_SENSITIVE or len(term) <= 2) and phrase != term:
                    continue
                found.setdefault(skill.name, skill)
                matched = n
                break
            if matched:
                break
        i += matched or 1
    return list(found.values())


def skill_names(text: str) -> set[str]:
    return {skill.name for skill in find_skills(text)}
