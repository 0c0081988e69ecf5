"""Optional prose from an OpenAI-compatible endpoint (LLM_BASE_URL, LLM_API_KEY, LLM_MODEL).

Only words are delegated: the model rewrites justifications, follow-up questions and the summary from
the evidence the scorer found. Numbers stay computed. Any failure falls back to the template prose and
the score's method says which was used.
"""

import json
import logging
import os

logger = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "You write short, factual hiring notes. Use only the evidence given; never invent facts; never mention "
    'names, gender, age or other personal details. Answer with JSON: {"summary": str, "criteria": '
    '[{"justification": str, "followup_questions": [str]}]} with one criteria item per input criterion.'
)


class LLMProse:
    def __init__(self, base_url: str, api_key: str, model: str, timeout: float = 20.0):
        self.base_url = base_url
        self.api_key = api_key or "none"
        self.model = model
        self.timeout = timeout

    @classmethod
    def from_env(cls) -> "LLMProse | None":
        base_url = os.environ.get("LLM_BASE_URL", "").strip()
        if not base_url:
            return None
        return cls(base_url, os.environ.get("LLM_API_KEY", ""), os.environ.get("LLM_MODEL", "gpt-4o-mini"))

    def rewrite(self, *, job_title: str, results: list, summary: str, total: int) -> str | bool:
        """Rewrite the prose of `results` in place; the new summary, or False when the endpoint failed."""
        try:
            from openai import OpenAI
        except ImportError:
            return False
        evidence = {
            "job_title": job_title,
            "total_score": total,
            "criteria": [
                {
                    "title": r.criterion_title,
                    "text": r.criterion_text,
                    "score": r.score,
                    "evidence": r.evidence,
                    "matched_skills": r.matched_skills,
                    "missing_skills": r.missing_skills,
                    "draft_justification": r.justification,
                    "draft_questions": r.followup_questions,
                }
                for r in results
            ],
            "draft_summary": summary,
        }
        try:
            client = OpenAI(base_url=self.base_url, api_key=self.api_key, timeout=self.timeout, max_retries=0)
            response = client.chat.completions.create(
                model=self.model,
                temperature=0,
                messages=[
                    {"role": "system", "content": SYSTEM_PROMPT},
                    {"role": "user", "content": json.dumps(evidence, ensure_ascii=False)},
                ],
            )
            content = response.choices[0].message.content or ""
            data = json.loads(content[content.find("{") : content.rfind("}") + 1])
            items = data["criteria"]
            if len(items) != len(results) or not isinstance(data.get("summary"), str):
                raise ValueError("answer does not match the criteria")
        except Exception as exc:  # noqa: BLE001 - any endpoint failure means template prose
            logger.warning("LLM prose unavailable (%s); using template prose", type(exc).__name__)
            return False
        for result, item in zip(results, items, strict=True):
            if isinstance(item.get("justification"), str) and item["justification"].strip():
                result.justification = item["justification"].strip()[:2000]
            questions = item.get("followup_questions")
            if isinstance(questions, list):
                result.followup_questions = [str(q)[:300] for q in questions[:5]]
        return data["summary"].strip()[:1000] or summary
