"""AI speed on this machine: parse rate, score rate with cached embeddings, job matches over many
candidates with precomputed vectors, worker memory with models loaded, cold-start first score.

    python bench/ai/speed.py [--corpus /tmp/hireloop-resumes] [--candidates 100000]

Run bench/ai_eval/generate.py first for the corpus. Single process, one ONNX thread
(HIRELOOP_AI_THREADS=1), so rates are per core. A baseline from the same run is printed beside each
figure where one applies.
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "..", "src")
sys.path.insert(0, SRC)

COLD = r"""
import resource, sys, time
t0 = time.perf_counter()
sys.path.insert(0, SRC)
from hireloop.ai.parsing import parse_resume
from hireloop.ai.scoring import default_criteria, score_resume
resume = parse_resume(open(PATH, "rb").read(), PATH)
result = score_resume(resume, default_criteria("Senior Backend Engineer", "Python, Django and PostgreSQL; 5+ years."))
t1 = time.perf_counter()
print(json.dumps({"first_score_s": round(t1 - t0, 2), "method": result.method,
                  "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default="/tmp/hireloop-resumes")
    parser.add_argument("--candidates", type=int, default=100_000)
    args = parser.parse_args()
    os.environ.setdefault("HIRELOOP_AI_THREADS", "1")
    files = sorted(f for f in os.listdir(args.corpus) if not f.endswith(".json"))
    if not files:
        sys.exit("generate a corpus first: python bench/ai_eval/generate.py --out " + args.corpus)

    # cold start in a fresh process (imports, model load, parse, score)
    code = COLD.replace("SRC", repr(SRC)).replace("PATH", repr(os.path.join(args.corpus, files[0])))
    out = subprocess.run([sys.executable, "-c", "import json\n" + code], capture_output=True, text=True, check=True)
    cold = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"cold start, first score: {cold['first_score_s']} s ({cold['method']}); "
        f"process max RSS {cold['max_rss_mb']} MB"
    )

    import numpy as np

    from hireloop.ai.embeddings import get_embedder, vector_cache
    from hireloop.ai.parsing import parse_resume
    from hireloop.ai.scoring import blind_resume_text, default_criteria, passages, score_resume

    contents = [(f, open(os.path.join(args.corpus, f), "rb").read()) for f in files]  # noqa: SIM115
    parse_resume(contents[0][1], contents[0][0])
    t = time.perf_counter()
    resumes = [parse_resume(c, f) for f, c in contents]
    parse_s = time.perf_counter() - t
    kinds = {k: sum(f.endswith(k) for f, _ in contents) for k in ("pdf", "docx", "txt")}
    print(f"parse: {len(resumes) / parse_s:.1f} resumes/s per core ({len(resumes)} files: {kinds})")

    embedder = get_embedder()
    criteria = default_criteria(
        "Senior Backend Engineer", "Python, Django and PostgreSQL on AWS; 5+ years; a bachelor's degree."
    )
    sample = resumes[:150]
    t = time.perf_counter()
    for r in sample:
        score_resume(r, criteria)
    first_pass = time.perf_counter() - t
    t = time.perf_counter()
    for r in sample:
        score_resume(r, criteria)
    cached = time.perf_counter() - t
    print(
        f"score ({embedder.name}): {len(sample) / cached:.1f} applications/s per core with cached embeddings; "
        f"{len(sample) / first_pass:.1f}/s when every passage is embedded first"
    )

    # matches over N candidates with precomputed vectors: prefilter (matrix product) then explained rerank
    rng = np.random.default_rng(5)
    base = []
    for r in sample:
        chunks = passages(blind_resume_text(r)) or [""]
        v = np.asarray(vector_cache.encode(embedder, chunks)).mean(axis=0)
        base.append(v / np.linalg.norm(v))
    base = np.asarray(base, dtype=np.float32)
    reps = args.candidates // len(base) + 1
    matrix = np.tile(base, (reps, 1))[: args.candidates] + rng.normal(0, 0.02, (args.candidates, 384)).astype(
        np.float32
    )
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    query = np.asarray(vector_cache.encode(embedder, ["Senior Backend Engineer. " + criteria[0].text])[0])
    timings, prefilter_only = [], []
    for _ in range(20):
        t = time.perf_counter()
        sims = matrix @ query
        top = np.argpartition(-sims, 20)[:20]
        top = top[np.argsort(-sims[top])]
        prefilter_only.append(time.perf_counter() - t)
        for i in top[:10]:  # explained rerank of the best 10 (their passage vectors are stored: cached here)
            score_resume(sample[int(i) % len(sample)], criteria)
        timings.append(time.perf_counter() - t)
    print(
        f"matches over {args.candidates:,} candidates: p50 {percentile(timings, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(timings, 0.95) * 1000:.0f} ms (prefilter alone p95 "
        f"{percentile(prefilter_only, 0.95) * 1000:.0f} ms, rerank of 10 with the explained scorer)"
    )
    import resource

    print(
        f"this process max RSS (models + {args.candidates:,}x384 matrix): "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
