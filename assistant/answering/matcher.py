"""Find the knowledge-base entries that answer a question, or admit there are none.

Two scorers read every question. A classifier trained on the phrasing bank
(knowledge/phrasings/, every style people ask in) with an explicit "not in
the guide" class learned from the out-of-scope bank; and a lexical scorer
that matches the question's words, typos repaired against the knowledge
base's words (rapidfuzz), lay words mapped (synonyms.toml) and time since
surgery turned into a recovery stage, against every phrasing. Their blend
ranks the entries; the bands (sure, fairly sure, unsure, out of scope) come
from thresholds chosen by held-out-style cross-validation
(bench/generalise.py), not by hand.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from .banks import OUT_OF_SCOPE, Example
from .knowledge import Entry, KnowledgeBase
from .model import TextModel, cached, features
from .text import allowed_typos, question_sentences, stem, words
from .timeref import stages


# Set by bench/generalise.py --tune (cross-validation holding out one style at
# a time: wrong answers <= 5%, out-of-scope declined >= 90%, every style's
# top-1 >= 80%; near the best top-1, the fewest wrong answers).
@dataclass(frozen=True)
class Thresholds:
    lexical_share: float = 0.4   # weight of the lexical score in the blend
    answer_at: float = 0.20      # the best's score needed to answer at all
    answer_gap: float = 0.04     # and its lead over the runner-up
    sure_gap: float = 0.30       # ... to answer without a "did you mean"
    out_of_scope: float = 1.5    # out of scope when its probability >= this x the best entry's
    suggest_at: float = 0.05     # choices below this are not worth offering


THRESHOLDS = Thresholds()
C = 30.0                  # the classifier's inverse regularisation
MIN_DF = 4                # features in fewer training lines than this are left out
MAX_LEXICAL_ENTRIES = 400  # above this many entries the classifier is not trained
CANDIDATES = 60           # entries fully scored by the lexical scorer per question
COMMON_SHARE = 0.15       # words in more entries than this do not pick candidates
LONG_MESSAGE = 25         # words: a longer message's question sentence is also read alone
QUESTION_SHARE = 0.3      # ... and weighs this much beside the whole message
FIRST_CODE = 0x10000       # terms become characters from here on (none is a space)
BANDS = ("sure", "fairly-sure", "unsure", "out-of-scope")


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float


@dataclass(frozen=True)
class MatchResult:
    band: str                      # one of BANDS
    best: Match | None             # the answer, or the nearest miss otherwise
    alternatives: tuple[Match, ...]

    @property
    def kind(self) -> str:
        return "answer" if self.band in ("sure", "fairly-sure") else "unknown"


class Lexical:
    """IDF-weighted word matching over the phrasings, with typo repair, synonyms
    and time stages: scales to many entries through an inverted index."""

    def __init__(self, kb: KnowledgeBase, examples: Sequence[Example] | None = None) -> None:
        self.kb = kb
        bank = kb.phrasings if examples is None else examples
        self.bank: dict[str, list[str]] = {}
        for ex in bank:
            if ex.label != OUT_OF_SCOPE:
                self.bank.setdefault(ex.label, []).append(ex.text)
        self.stopwords = kb.stopwords
        self.synonyms: dict[tuple[str, ...], str] = {}
        for canonical, variants in kb.synonyms.items():
            for variant in variants:
                key = tuple(words(variant))
                if key:
                    self.synonyms[key] = canonical
        self.longest_synonym = max((len(k) for k in self.synonyms), default=1)
        raw_vocab = {w for e in kb.entries
                     for text in (*e.questions, *self.bank.get(e.id, ()), e.answer)
                     for w in words(text)}
        raw_vocab |= {w for key in self.synonyms for w in key} | set(kb.synonyms)
        self.raw_vocab = sorted(raw_vocab)
        # Two lookups, not one union: a copy of the 40,000 English words costs 2 MB.
        self.own_words = raw_vocab
        self._terms = lru_cache(maxsize=4096)(self._compute_terms)
        self._repair = lru_cache(maxsize=20_000)(self._compute_repair)
        self._build_index()

    # ---------------------------------------------------------------- terms
    def _compute_repair(self, token: str) -> str:
        """A misspelt word becomes the nearest knowledge-base word."""
        if (token in self.kb.english_words or token in self.own_words or len(token) < 4
                or token[0].isdigit()):
            return token
        best = process.extractOne(token, self.raw_vocab, scorer=OSA.distance,
                                  score_cutoff=allowed_typos(len(token) + 1))
        if best is None or best[1] > allowed_typos(max(len(token), len(best[0]))):
            return token
        return best[0]

    def _canonical(self, tokens: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for n in range(min(self.longest_synonym, len(tokens) - i), 0, -1):
                canonical = self.synonyms.get(tuple(tokens[i:i + n]))
                if canonical:
                    out.append(canonical)
                    i += n
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out

    def _compute_terms(self, text: str, with_stage: bool = True) -> tuple[str, ...]:
        tokens = self._canonical([self._repair(t) for t in words(text)])
        terms = [stem(t) for t in tokens if t not in self.stopwords and not t[0].isdigit()]
        if with_stage:
            terms += [f"<{s}>" for s in stages(tokens)]
        return tuple(dict.fromkeys(terms))

    def terms(self, text: str) -> tuple[str, ...]:
        return self._terms(text)

    def prepared(self, text: str) -> list[str]:
        """Words for the classifier: typos repaired, synonyms applied, time stages
        as tokens ("<week-2>"); stop words kept, since bigrams use them."""
        tokens = self._canonical([self._repair(t) for t in words(text)])
        return [*(stem(t) for t in tokens), *(f"<{s}>" for s in stages(tokens))]

    # ---------------------------------------------------------------- index
    def _build_index(self) -> None:
        entries = self.kb.entries
        self.phrasings: list[tuple[int, tuple[str, ...]]] = []
        self.entry_vocab: list[set[str]] = []
        for i, e in enumerate(entries):
            topic = self.kb.topic(e.topic)
            own = [self.terms(q) for q in (*e.questions, *self.bank.get(e.id, ()), topic.title)]
            self.phrasings += [(i, p) for p in own]
            vocab = {t for p in own for t in p}
            vocab |= set(self._compute_terms(e.answer, False))
            vocab |= set(self._compute_terms(topic.covers, False))
            self.entry_vocab.append(vocab)
        n = len(entries)
        df: dict[str, int] = {}
        for vocab in self.entry_vocab:
            for t in vocab:
                df[t] = df.get(t, 0) + 1
        self.idf = {t: math.log((n + 1) / (d + 0.5)) for t, d in df.items()}
        # A word the knowledge base has never seen weighs like its rarest word.
        self.unknown_idf = math.log((n + 1) / 0.5)
        self.norms = np.array([math.sqrt(sum(self.idf[t] ** 2 for t in p)) or 1.0
                               for _, p in self.phrasings])
        postings: dict[str, list[int]] = {}
        for pid, (_, p) in enumerate(self.phrasings):
            for t in p:
                postings.setdefault(t, []).append(pid)
        self.postings = {t: np.array(ps, dtype=np.int64) for t, ps in postings.items()}
        self.common = max(3, int(COMMON_SHARE * n))
        # An entry's phrasings are one run of ids, and their terms one run of
        # the flat arrays below: a question reads only its candidates' runs.
        self.phrasing_entry = np.array([ei for ei, _ in self.phrasings], dtype=np.int64)
        first = np.searchsorted(self.phrasing_entry, np.arange(len(entries) + 1))
        self.entry_span = [(int(a), int(b)) for a, b in zip(first[:-1], first[1:], strict=True)]
        # Each phrasing's terms as term ids, so that a question is scored against
        # a thousand phrasings in numpy and rapidfuzz rather than in a Python loop.
        self.term_ids = {t: i for i, t in enumerate(self.idf)}
        self.flat_terms = np.fromiter((self.term_ids[t] for _, p in self.phrasings for t in p),
                                      dtype=np.int64)
        lengths = [len(p) for _, p in self.phrasings]
        self.flat_rows = np.repeat(np.arange(len(self.phrasings)), lengths)
        self.offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        self.coded = [self._code(p) for _, p in self.phrasings]

    def _code(self, terms: tuple[str, ...]) -> str:
        """Terms as one character each, for the fuzzy score: rapidfuzz compares
        strings without converting each phrasing's tuple again per question. A
        term the knowledge base lacks gets a character of its own past theirs."""
        ids = self.term_ids
        unknown = dict.fromkeys(t for t in terms if t not in ids)
        extra = {t: len(ids) + i for i, t in enumerate(unknown)}
        return "".join(chr(FIRST_CODE + ids.get(t, extra.get(t, 0))) for t in terms)

    # ---------------------------------------------------------------- score
    def rank(self, question: str, limit: int = 5) -> list[Match]:
        q = self.terms(question)
        if not q:
            return []
        weights = {t: self.idf.get(t, self.unknown_idf) for t in q}
        q_norm = math.sqrt(sum(w * w for w in weights.values()))
        total = sum(weights.values())
        candidates = self._candidates(q)
        if not candidates:
            return []
        spans = [self.entry_span[ei] for ei in candidates]     # each entry's, in turn
        pids = np.concatenate([np.arange(a, b) for a, b in spans])
        # weights[t] * idf[t] for each question term a phrasing holds, summed
        # in the phrasing's order, over the candidates' phrasings only.
        q_weight = np.zeros(len(self.term_ids))
        for t in q:
            if t in self.term_ids:
                q_weight[self.term_ids[t]] = weights[t] * self.idf[t]
        runs = [slice(self.offsets[a], self.offsets[b]) for a, b in spans]
        terms = np.concatenate([self.flat_terms[r] for r in runs])
        rows = np.concatenate([self.flat_rows[r] for r in runs])
        dots = np.bincount(rows, weights=q_weight[terms], minlength=len(self.phrasings))[pids]
        cosine = dots / (q_norm * self.norms[pids])
        # The terms in order, each as one unit: fuzz.ratio of the coded strings is
        # what token_set_ratio gave on the term tuples (one "token" each).
        coded = [c for a, b in spans for c in self.coded[a:b]]
        fuzzy = process.cdist([self._code(q)], coded, dtype=np.float64,
                              scorer=fuzz.ratio, workers=1)[0] / 100
        blended = 0.8 * cosine + 0.2 * fuzzy
        scored: dict[int, float] = {}
        start = 0
        for ei, (a, b) in zip(candidates, spans, strict=True):
            vocab = self.entry_vocab[ei]
            cover = sum(w for t, w in weights.items() if t in vocab) / total
            best = float(blended[start:start + b - a].max())
            start += b - a
            scored[ei] = 100 * (0.55 * best + 0.45 * cover)
        ranked = sorted(scored.items(), key=lambda kv: -kv[1])[:limit]
        return [Match(self.kb.entries[ei], round(s, 1)) for ei, s in ranked]

    def _candidates(self, q: tuple[str, ...]) -> list[int]:
        """Entries sharing a distinctive word with the question, best first;
        common words only pick candidates when nothing else does."""
        known = [t for t in q if t in self.postings]
        if len(self.kb.entries) <= CANDIDATES:
            chosen = known
        else:
            rare = [t for t in known if len(self.postings[t]) <= self.common * 10]
            chosen = rare or known
        if not chosen:
            return []
        # Each phrasing's idf summed over the chosen words it holds, added in
        # the same order as word by word; ties keep the order first met.
        hit = np.concatenate([self.postings[t] for t in chosen])
        weight = np.repeat([self.idf[t] for t in chosen], [len(self.postings[t]) for t in chosen])
        found, first = np.unique(hit, return_index=True)
        sums = np.bincount(hit, weights=weight)[found]
        met = np.argsort(first, kind="stable")
        found, sums = found[met], sums[met]
        top = found[np.argsort(-sums, kind="stable")[: CANDIDATES * 4]]
        return list(dict.fromkeys(self.phrasing_entry[top].tolist()))[:CANDIDATES]


class Matcher:
    """The blend of the classifier and the lexical scorer, and the bands."""

    def __init__(self, kb: KnowledgeBase, examples: Sequence[Example] | None = None,
                 cache: Path | None = None, thresholds: Thresholds = THRESHOLDS) -> None:
        self.kb = kb
        self.lexical = Lexical(kb, examples)
        self.thresholds = thresholds
        bank = kb.phrasings if examples is None else examples
        self.model: TextModel | None = None
        if len(kb.entries) <= MAX_LEXICAL_ENTRIES:
            samples = [(q, e.id) for e in kb.entries for q in e.questions]
            samples += [(ex.text, ex.label) for ex in bank]
            samples += variants(samples, kb.stopwords)
            self.model = cached(cache, "matcher", samples, self.lexical.prepared,
                                extra=sorted(kb.synonyms.items()), c=C, min_df=MIN_DF)
        self.entry_ids = [e.id for e in kb.entries]
        self.order = {e.id: i for i, e in enumerate(kb.entries)}

    def evidence(self, question: str) -> tuple[dict[str, float], dict[str, float]]:
        """The lexical score per entry (0..1) and the classifier's probability per
        label (entries and OUT_OF_SCOPE): what the bands are decided from.

        In a long message the context ("my husband came home on Tuesday, the
        nurses said ...") can outweigh the question; its most decided question
        sentence is read alone too and blended in. Held-out-style
        cross-validation: long messages top-1 85% -> 89%, wrong 7% -> 3%.
        """
        whole = self._evidence(question)
        parts = question_sentences(question)
        if len(words(question)) < LONG_MESSAGE or parts == [question.strip()]:
            return whole
        lexical, model = max((self._evidence(p) for p in parts),
                             key=lambda e: max(e[1].values(), default=0.0))
        return (_blend(whole[0], lexical, QUESTION_SHARE),
                _blend(whole[1], model, QUESTION_SHARE))

    def _evidence(self, question: str) -> tuple[dict[str, float], dict[str, float]]:
        lexical = {m.entry.id: m.score / 100 for m in self.lexical.rank(question, limit=12)}
        if self.model is None:
            return lexical, {}
        probs = self.model.probabilities(features(question, self.lexical.prepared))
        return lexical, dict(zip(self.model.labels, probs.tolist(), strict=True))

    def match(self, question: str) -> MatchResult:
        if not words(question):
            return MatchResult("unsure", None, ())
        lexical, model = self.evidence(question)
        return decide(self.kb, lexical, model, self.thresholds, self.order)


def _blend(a: dict[str, float], b: dict[str, float], share: float) -> dict[str, float]:
    return {k: (1 - share) * a.get(k, 0.0) + share * b.get(k, 0.0) for k in a.keys() | b.keys()}


def variants(samples: Sequence[tuple[str, str]],
             stopwords: frozenset[str]) -> list[tuple[str, str]]:
    """Each line again as its bare keywords and again with slips of the keyboard.

    Users write fragments ("sitting after op") and typos whatever style they
    write in; held-out-style cross-validation gains two points of top-1 when
    the classifier sees every line both ways. The slips are fixed by a seeded
    generator, so the same bank always trains the same model.
    """
    rng = random.Random(len(samples))
    out = []
    for text, label in samples:
        kept = [w for w in words(text) if w not in stopwords]
        if kept:
            out.append((" ".join(kept), label))
        out.append((" ".join(_slip(w, rng) for w in text.split()), label))
    return out


def _slip(word: str, rng: random.Random) -> str:
    """A word with one letter dropped, two swapped or a vowel changed, 3 times in 10."""
    if len(word) <= 4 or rng.random() >= 0.3:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice("dsv")
    if kind == "d":
        return word[:i] + word[i + 1:]
    if kind == "s":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + rng.choice("aeiou") + word[i + 1:]


def decide(kb: KnowledgeBase, lexical: dict[str, float], model: dict[str, float],
           t: Thresholds = THRESHOLDS, order: dict[str, int] | None = None) -> MatchResult:
    """The band and the entries to show, best first, one per topic.

    `order` is each entry's place in the knowledge base (Matcher keeps it, so
    that a question does not build it again): only entries with evidence can
    score above nought, so only they are sorted, ties in the knowledge base's
    order; the rest follow at nought in that order, as sorting all would give.
    """
    share = t.lexical_share if model else 1.0
    if order is None:
        order = {e.id: i for i, e in enumerate(kb.entries)}
    scored = sorted((((1 - share) * model.get(k, 0.0) + share * lexical.get(k, 0.0), order[k], k)
                     for k in lexical.keys() | model.keys() if k in order),
                    key=lambda s: (-s[0], s[1]))
    ranked = [(k, score) for score, _, k in scored if score > 0.0]
    above = {k for k, _ in ranked}
    rest = ((e.id, 0.0) for e in kb.entries if e.id not in above)
    picks: list[Match] = []
    seen: set[str] = set()
    for entry_id, score in itertools.chain(ranked, rest):
        entry = kb.entry(entry_id)
        if entry.topic not in seen:
            seen.add(entry.topic)
            picks.append(Match(entry, round(100 * score, 1)))
        if len(picks) == 4:
            break
    best = picks[0]
    top = best.score / 100
    gap = top - (picks[1].score / 100 if len(picks) > 1 else 0.0)
    # Unsure: always three choices, a menu to pick from. Otherwise only the
    # readings close enough to be worth a "did you mean".
    likely = tuple(p for p in picks[1:] if p.score / 100 >= t.suggest_at)
    best_entry = max((p for label, p in model.items() if label != OUT_OF_SCOPE), default=0.0)
    if model.get(OUT_OF_SCOPE, 0.0) >= t.out_of_scope * best_entry and gap < 0.5:
        return MatchResult("out-of-scope", best, (best, *likely)[:3])
    if top < t.answer_at or gap < t.answer_gap:
        return MatchResult("unsure", best, tuple(picks[:3]))
    return MatchResult("sure" if gap >= t.sure_gap else "fairly-sure", best, likely[:3])
