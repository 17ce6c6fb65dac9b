"""A small text classifier trained on our own banks, cached by their content.

Features are character n-grams of each word (what survives typos and speech
recognisers splitting words) plus word unigrams and bigrams of the words the
caller prepares (typo repair, time stage). They are TF-IDF weighted and fed to
a multinomial logistic regression. scikit-learn trains it once per change of
the banks; the weights are saved as a .npz file and used with numpy alone, so
answering a question never imports scikit-learn.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .text import gist, words

FEATURES_VERSION = 6            # change when features() or the file changes: old caches are ignored
CHAR_SIZES = (2, 3, 4, 5)
KEEP_MODELS = 4                 # trained models kept per name in the cache folder
SEED = 0                        # saga's shuffling: the same bank trains the same model

Prepare = Callable[[str], list[str]]


def char_grams(tokens: Iterable[str]) -> Iterable[str]:
    for token in tokens:
        padded = f" {token} "
        for n in CHAR_SIZES:
            for i in range(len(padded) - n + 1):
                yield padded[i:i + n]


def features(text: str, prepare: Prepare | None = None) -> Counter[str]:
    text = gist(text)
    raw = words(text)
    counts: Counter[str] = Counter(char_grams(raw))
    prepared = prepare(text) if prepare else raw
    counts.update(f"w:{w}" for w in prepared)
    counts.update(f"b:{a}_{b}" for a, b in zip(prepared, prepared[1:], strict=False))
    joined = " ".join(raw)          # grams across word ends: "lamina neck", "ca nt"
    counts.update(f"x:{joined[i:i + 5]}" for i in range(len(joined) - 4)
                  if " " in joined[i + 1:i + 4])
    return counts


def tfidf(counts: Counter[str], vocab: dict[str, int],
          idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Feature indices and their l2-normalised sublinear TF-IDF weights."""
    get = vocab.get
    found = [(i, c) for f, c in counts.items() if (i := get(f)) is not None]
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    idx = np.array([i for i, _ in found], dtype=np.int64)
    tf = np.array([1.0 + math.log(c) for _, c in found], dtype=np.float32)
    values = tf * idf[idx]
    return idx, values / (np.linalg.norm(values) or 1.0)


@dataclass
class TextModel:
    labels: list[str]
    # The feature names, sorted, as UTF-8 bytes in one numpy array: a feature
    # is found by binary search. A dict of Python strings held the same in
    # about three times the memory (some 20 MB for the two models).
    names: np.ndarray                # (features,), dtype "S<longest>"
    idf: np.ndarray                  # (features,)
    coef: np.ndarray                 # (features, labels), float32
    intercept: np.ndarray            # (labels,)

    def vector(self, counts: Counter[str]) -> tuple[np.ndarray, np.ndarray]:
        """The indices of the features the model knows, in the order of `counts`,
        and their l2-normalised sublinear TF-IDF weights (as tfidf() gives)."""
        names = self.names
        width = names.dtype.itemsize
        # Longer than every name: not one of them (numpy would cut it to fit).
        asked = [(b, c) for f, c in counts.items() if len(b := f.encode()) <= width]
        if not asked or not len(names):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        keys = np.array([b for b, _ in asked], dtype=names.dtype)
        where = np.minimum(np.searchsorted(names, keys), len(names) - 1)
        known = names[where] == keys
        idx = where[known].astype(np.int64)
        if not len(idx):
            return idx, np.zeros(0, dtype=np.float32)
        tf = np.array([1.0 + math.log(c) for (_, c), k in zip(asked, known.tolist(),
                                                             strict=True) if k],
                      dtype=np.float32)
        values = tf * self.idf[idx]
        return idx, values / (np.linalg.norm(values) or 1.0)

    def probabilities(self, counts: Counter[str]) -> np.ndarray:
        idx, values = self.vector(counts)
        logits = values @ self.coef[idx] + self.intercept if len(idx) else self.intercept
        logits = logits - logits.max()
        exp = np.exp(logits)
        return exp / exp.sum()

    # ------------------------------------------------------------------ file
    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            np.savez_compressed(out, labels=np.array(self.labels), names=self.names,
                                idf=self.idf, coef=self.coef, intercept=self.intercept)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> TextModel:
        with np.load(path, allow_pickle=False) as data:
            names = data["names"]
            if names.dtype.kind != "S" or bool(np.any(names[1:] <= names[:-1])):
                raise ValueError(f"{path}: the feature names are not sorted bytes")
            # asarray: the arrays are float32 already, so no second copy is made.
            return cls([str(x) for x in data["labels"]], names,
                       np.asarray(data["idf"], np.float32), np.asarray(data["coef"], np.float32),
                       np.asarray(data["intercept"], np.float32))


def sorted_names(features: Iterable[str]) -> np.ndarray:
    """Feature names as TextModel keeps them; their order is the coef rows' order."""
    return np.array(sorted(f.encode() for f in features), dtype=np.bytes_)


def train(samples: Sequence[tuple[str, str]], prepare: Prepare | None = None,
          c: float = 10.0, min_df: int = 1) -> TextModel:
    """Fit on (text, label) pairs, with the features found in at least `min_df`
    of them. Imports scikit-learn: call only to (re)build a cache."""
    from scipy.sparse import csr_matrix
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    # The features are read twice, once to count them and once to weigh them,
    # rather than kept: every text's counts at once took 300 MB for the sign bank.
    df: Counter[str] = Counter()
    for text, _ in samples:
        df.update(features(text, prepare).keys())
    names = sorted_names(f for f, d in df.items() if d >= min_df)
    ordered = [f.decode() for f in names.tolist()]
    vocab = {f: i for i, f in enumerate(ordered)}
    n = len(samples)
    idf = np.array([math.log((1 + n) / (1 + df[f])) + 1.0 for f in ordered], dtype=np.float32)
    labels = sorted({label for _, label in samples})
    # Each row's columns and values as arrays, joined once: lists of Python
    # numbers took 14 times the memory, past what a small machine allows.
    cols, vals = [], []
    for text, _ in samples:
        idx, values = tfidf(features(text, prepare), vocab, idf)
        cols.append(np.asarray(idx, np.int32))
        vals.append(np.asarray(values, np.float32))
    starts = np.zeros(n + 1, np.int64)
    np.cumsum([len(c) for c in cols], out=starts[1:])
    x = csr_matrix((np.concatenate(vals) if vals else np.zeros(0, np.float32),
                    np.concatenate(cols) if cols else np.zeros(0, np.int32), starts),
                   shape=(n, len(vocab)), dtype=np.float32)
    x.sort_indices()
    # A fixed seed for saga's shuffling: the same bank always trains the same
    # model, so two runs of bench/generalise.py can be compared line by line.
    # At most 300 passes, converged or not: the benches measure the model as it
    # comes out, and a warning on stderr would only alarm whoever runs the CLI.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = LogisticRegression(C=c, solver="saga", tol=1e-3, max_iter=300,
                                 random_state=SEED).fit(x, [label for _, label in samples])
    if len(labels) == 2:         # scikit-learn keeps one row for two classes
        one = fit.coef_[0].astype(np.float32)
        return TextModel(labels, names, idf, np.stack([-one / 2, one / 2], axis=1),
                         np.array([-fit.intercept_[0] / 2, fit.intercept_[0] / 2], np.float32))
    order = [list(fit.classes_).index(label) for label in labels]
    return TextModel(labels, names, idf,
                     np.ascontiguousarray(fit.coef_[order].T, dtype=np.float32),
                     fit.intercept_[order].astype(np.float32))


def content_key(samples: Sequence[tuple[str, str]], extra: object = None) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps([FEATURES_VERSION, extra, list(samples)]).encode())
    return digest.hexdigest()[:20]


def cached(folder: Path | None, name: str, samples: Sequence[tuple[str, str]],
           prepare: Prepare | None, extra: object = None,
           reword: Callable[[str], str] | None = None, **options: object) -> TextModel:
    """The model for these samples: from the cache when it was trained on exactly
    them, else trained now and saved. An unwritable cache only costs the time.
    `reword` rewrites each text before training, only when training: `extra`
    must hold what it depends on, for the cache's key."""
    key = content_key(samples, [extra, sorted(options.items())])
    path = folder / f"{name}-{key}.npz" if folder else None
    if path and path.exists():
        try:
            return TextModel.load(path)
        except (OSError, ValueError, KeyError):
            path.unlink(missing_ok=True)
    if reword:
        samples = [(reword(text), label) for text, label in samples]
    model = train(samples, prepare, **options)  # type: ignore[arg-type]
    if path:
        try:
            model.save(path)
            # Keep a few: another knowledge folder (a test's, a clinic's draft)
            # must not evict the one the app uses.
            kept = sorted(path.parent.glob(f"{name}-*.npz"), key=lambda p: p.stat().st_mtime)
            for old in kept[:-KEEP_MODELS]:
                old.unlink(missing_ok=True)
        except OSError:
            pass
    return model
