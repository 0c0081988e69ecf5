"""Matching quality: Hireloop's scorer against a BM25 keyword baseline on a generated graded set.

    python bench/ai/matching.py [--candidates 200] [--seed 11]

Jobs: two per domain (senior: 5+ years, and mid-level), written in prose that paraphrases the work and
names a few skills (some by alias). Candidates: resumes from bench/ai_eval/generate.py. Graded relevance
(0-3) from the generator's facts: 0 other domain, 1 adjacent domain, 2 same domain, 3 same domain with
at least two of the job's named skills and the years it asks for. Metrics per job, averaged: NDCG@10
(gain 2^rel - 1) and top-1 (the first-ranked candidate has the best grade present).
Note: the grades come from the same generator facts (domain, skills, years) the resume text expresses;
this measures ranking of clear-cut cases, not real-world hiring quality.
"""

import argparse
import math
import os
import random
import re
import sys
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "src"))
sys.path.insert(0, os.path.join(HERE, "..", "ai_eval"))

import generate  # noqa: E402

from hireloop.ai import embeddings, scoring  # noqa: E402
from hireloop.ai.parsing import parse_text  # noqa: E402

JOBS = [
    (
        "software",
        "Senior Backend Engineer",
        5,
        ["Python", "PostgreSQL", "Kubernetes", "Amazon Web Services"],
        "You will design and run the services behind our checkout: APIs that stay up under heavy traffic, "
        "deployments that are boring, and code reviews that teach. We work with Python, Postgres, k8s and AWS.",
    ),
    (
        "software",
        "Frontend Developer",
        1,
        ["JavaScript", "React", "TypeScript"],
        "Build the screens our customers use every day. You care about fast pages and tidy components in "
        "React and TypeScript; JS fundamentals matter more than frameworks.",
    ),
    (
        "data",
        "Senior Data Engineer",
        5,
        ["Apache Spark", "Apache Airflow", "SQL", "Python"],
        "Own the pipelines that feed every report in the company: batch and streaming jobs, scheduling, data "
        "quality. PySpark, Airflow and SQL are daily tools.",
    ),
    (
        "data",
        "Data Analyst",
        1,
        ["SQL", "Tableau", "Excel"],
        "Turn questions from the business into numbers and charts people trust. SQL, Tableau dashboards and "
        "spreadsheets; curiosity about why a metric moved.",
    ),
    (
        "design",
        "Senior Product Designer",
        5,
        ["Figma", "User Research", "Design Systems"],
        "Shape how our product feels, from interviews with users to polished flows. You run research, "
        "prototype in Figma and keep our component library coherent.",
    ),
    (
        "design",
        "UI Designer",
        1,
        ["Figma", "Prototyping", "Wireframing"],
        "Turn sketches into clean, accessible interfaces; wireframes and clickable prototypes in Figma.",
    ),
    (
        "marketing",
        "Growth Marketing Lead",
        5,
        ["SEO", "Google Analytics", "Email Marketing"],
        "Grow sign-ups through search, lifecycle email and experiments; you read analytics and decide what "
        "to try next.",
    ),
    (
        "marketing",
        "Content Marketing Specialist",
        1,
        ["Content Marketing", "Copywriting", "SEO"],
        "Write articles, landing pages and newsletters that rank and convert.",
    ),
    (
        "nursing",
        "Charge Nurse",
        5,
        ["Patient Care", "Electronic Health Records"],
        "Lead a shift on a busy medical ward: coordinate care, support colleagues, keep records in EHR.",
    ),
    (
        "nursing",
        "Registered Nurse",
        1,
        ["Patient Care", "First Aid"],
        "Provide compassionate bedside care on a surgical ward; CPR certified.",
    ),
    (
        "finance",
        "Finance Manager",
        5,
        ["Financial Modeling", "Budgeting", "Excel"],
        "Run budgeting and forecasting for a 300-person company; build models leadership relies on.",
    ),
    (
        "finance",
        "Junior Accountant",
        1,
        ["Accounting", "Excel", "SAP"],
        "Help close the books each month: reconciliations, journal entries, SAP.",
    ),
]
ADJACENT = {
    ("software", "data"),
    ("data", "software"),
    ("design", "marketing"),
    ("marketing", "design"),
    ("finance", "data"),
    ("data", "finance"),
}


def grade(job, cand) -> int:
    domain, _, years, skills, _ = job
    if cand["domain"] != domain:
        return 1 if (cand["domain"], domain) in ADJACENT else 0
    overlap = len(set(skills) & set(cand["skills"]))
    return 3 if overlap >= 2 and cand["total_years"] >= years else 2


def ndcg_at(ranked_grades: list[int], all_grades: list[int], k: int = 10) -> float:
    def dcg(grades):
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:k]))

    ideal = dcg(sorted(all_grades, reverse=True))
    return dcg(ranked_grades) / ideal if ideal else 0.0


TOKEN = re.compile(r"[a-z0-9+#]+")


class BM25:
    def __init__(self, docs: list[str], k1: float = 1.5, b: float = 0.75):
        self.docs = [TOKEN.findall(d.lower()) for d in docs]
        self.k1, self.b = k1, b
        self.avg = sum(len(d) for d in self.docs) / len(self.docs)
        df = Counter(t for d in self.docs for t in set(d))
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.tf = [Counter(d) for d in self.docs]

    def scores(self, query: str) -> list[float]:
        terms = TOKEN.findall(query.lower())
        out = []
        for tf, doc in zip(self.tf, self.docs, strict=True):
            s = 0.0
            for t in terms:
                if t in tf:
                    f = tf[t]
                    s += self.idf[t] * f * (self.k1 + 1) / (f + self.k1 * (1 - self.b + self.b * len(doc) / self.avg))
            out.append(s)
        return out


def evaluate(rank_fn, jobs, cands) -> tuple[float, float]:
    ndcgs, top1 = [], 0
    for j, job in enumerate(jobs):
        scores = rank_fn(j, job)
        order = sorted(range(len(cands)), key=lambda i: (-scores[i], i))
        grades = [grade(job, c) for c in cands]
        ranked = [grades[i] for i in order]
        ndcgs.append(ndcg_at(ranked, grades))
        top1 += ranked[0] == max(grades)
    return sum(ndcgs) / len(ndcgs), top1 / len(jobs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    cands = []
    for i in range(args.candidates):
        r = generate.make_resume(i, rng)
        side, main_lines = generate.render_blocks(r, rng)
        r["text"] = "\n".join(main_lines + side)
        cands.append(r)
    resumes = [parse_text(c["text"], today=generate.TODAY) for c in cands]
    job_criteria = [scoring.default_criteria(title, desc) for _, title, _, _, desc in JOBS]
    job_texts = [f"{title}. {desc}" for _, title, _, _, desc in JOBS]

    bm25 = BM25([c["text"] for c in cands])
    results = {}
    t = time.perf_counter()
    results["BM25 baseline (resume text vs job text)"] = evaluate(lambda j, job: bm25.scores(job_texts[j]), JOBS, cands)
    times = {"BM25 baseline (resume text vs job text)": time.perf_counter() - t}

    for label, choice in (("Hireloop scorer, lexical fallback", "lexical"), ("Hireloop scorer, MiniLM", "minilm")):
        os.environ["HIRELOOP_AI_EMBEDDER"] = choice
        embeddings.get_embedder.cache_clear()
        embedder = embeddings.get_embedder()
        cache = {}
        t = time.perf_counter()

        def rank(j, job, cache=cache):
            out = []
            for i, resume in enumerate(resumes):
                res = scoring.score_resume(resume, job_criteria[j], job_title=job[1])
                out.append(res.total_score + res.criteria[-1].score / 1000)  # role fit breaks ties
                cache[(j, i)] = res.total_score
            return out

        results[f"{label} [{embedder.name}]"] = evaluate(rank, JOBS, cands)
        times[f"{label} [{embedder.name}]"] = time.perf_counter() - t

    grades = Counter(grade(job, c) for job in JOBS for c in cands)
    print(f"{len(JOBS)} jobs x {len(cands)} candidates; grade counts {dict(sorted(grades.items()))}")
    base_ndcg, base_top1 = results["BM25 baseline (resume text vs job text)"]
    print(f"{'ranker':<80}{'NDCG@10':>9}{'top-1':>8}{'vs BM25':>10}{'seconds':>9}")
    for label, (ndcg, top1) in results.items():
        print(f"{label:<80}{ndcg:>9.3f}{top1:>8.2f}{ndcg / base_ndcg:>9.2f}x{times[label]:>9.1f}")


if __name__ == "__main__":
    main()
