"""Find the knowledge-base entries that answer a question, or admit there are none.

Questions and entry phrasings go through the same steps: words, typo repair
against the knowledge base's own vocabulary (rapidfuzz), lay words to the
knowledge base's words (synonyms.toml), time since surgery to a recovery
stage, stop words out, light stemming. An entry scores by how closely one of
its phrasings matches (IDF-weighted cosine) and by how much of the question
its whole text covers. A question whose important words the knowledge base
has never heard of ("sauna", "insurance") covers little and is declined.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from .knowledge import Entry, KnowledgeBase
from .text import allowed_typos, stem, words
from .timeref import stages

# Calibrated on the dev questions, checked on our own held-out phrasings.
ANSWER_AT = 44.0          # below this the best entry is not trusted
SURE_AT = 62.0            # at or above this, a close runner-up does not matter
MIN_GAP = 4.0             # needed between the best and another topic otherwise
SUGGEST_AT = 25.0         # alternatives below this are not worth offering
CANDIDATES = 60           # entries fully scored per question
COMMON_SHARE = 0.15       # words in more entries than this do not pick candidates


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float


@dataclass(frozen=True)
class MatchResult:
    kind: str                      # "answer" or "unknown"
    best: Match | None             # the answer, or the nearest miss when unknown
    alternatives: tuple[Match, ...]


class Matcher:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.stopwords = kb.stopwords
        self.synonyms: dict[tuple[str, ...], str] = {}
        for canonical, variants in kb.synonyms.items():
            for variant in variants:
                key = tuple(words(variant))
                if key:
                    self.synonyms[key] = canonical
        self.longest_synonym = max((len(k) for k in self.synonyms), default=1)
        raw_vocab = {w for e in kb.entries for text in (*e.questions, e.answer)
                     for w in words(text)}
        raw_vocab |= {w for key in self.synonyms for w in key} | set(kb.synonyms)
        self.raw_vocab = sorted(raw_vocab)
        self.real_words = kb.english_words | raw_vocab
        self._terms = lru_cache(maxsize=4096)(self._compute_terms)
        self._repair = lru_cache(maxsize=20_000)(self._compute_repair)
        self._build_index()

    # ---------------------------------------------------------------- terms
    def _compute_repair(self, token: str) -> str:
        """A misspelt word becomes the nearest knowledge-base word."""
        if token in self.real_words or len(token) < 4 or token[0].isdigit():
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

    # ---------------------------------------------------------------- index
    def _build_index(self) -> None:
        entries = self.kb.entries
        self.phrasings: list[tuple[int, tuple[str, ...]]] = []
        self.entry_vocab: list[set[str]] = []
        for i, e in enumerate(entries):
            topic = self.kb.topic(e.topic)
            own = [self.terms(q) for q in (*e.questions, topic.title)]
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
        self.norms = [math.sqrt(sum(self.idf[t] ** 2 for t in p)) or 1.0
                      for _, p in self.phrasings]
        self.postings: dict[str, list[int]] = {}
        for pid, (_, p) in enumerate(self.phrasings):
            for t in p:
                self.postings.setdefault(t, []).append(pid)
        self.common = max(3, int(COMMON_SHARE * n))
        self.entry_phrasings: list[list[int]] = [[] for _ in entries]
        for pid, (ei, _) in enumerate(self.phrasings):
            self.entry_phrasings[ei].append(pid)

    # ---------------------------------------------------------------- score
    def rank(self, question: str, limit: int = 5) -> list[Match]:
        q = self.terms(question)
        if not q:
            return []
        weights = {t: self.idf.get(t, self.unknown_idf) for t in q}
        q_norm = math.sqrt(sum(w * w for w in weights.values()))
        total = sum(weights.values())
        candidates = self._candidates(q)
        scored: dict[int, float] = {}
        for ei, pids in candidates.items():
            vocab = self.entry_vocab[ei]
            cover = sum(w for t, w in weights.items() if t in vocab) / total
            best = 0.0
            for pid in pids:
                p = self.phrasings[pid][1]
                dot = sum(weights[t] * self.idf[t] for t in q if t in p)
                cosine = dot / (q_norm * self.norms[pid])
                fuzzy = fuzz.token_set_ratio(q, p) / 100
                best = max(best, 0.8 * cosine + 0.2 * fuzzy)
            scored[ei] = 100 * (0.55 * best + 0.45 * cover)
        ranked = sorted(scored.items(), key=lambda kv: -kv[1])[:limit]
        return [Match(self.kb.entries[ei], round(s, 1)) for ei, s in ranked]

    def _candidates(self, q: tuple[str, ...]) -> dict[int, list[int]]:
        """Entries sharing a distinctive word with the question, and their
        phrasings; common words only pick candidates when nothing else does."""
        known = [t for t in q if t in self.postings]
        if len(self.kb.entries) <= CANDIDATES:
            chosen = known
        else:
            rare = [t for t in known if len(self.postings[t]) <= self.common * 10]
            chosen = rare or known
        hits: dict[int, float] = {}
        for t in chosen:
            for pid in self.postings[t]:
                hits[pid] = hits.get(pid, 0.0) + self.idf[t]
        top = sorted(hits, key=hits.__getitem__, reverse=True)[: CANDIDATES * 4]
        keep = list(dict.fromkeys(self.phrasings[pid][0] for pid in top))[:CANDIDATES]
        return {ei: self.entry_phrasings[ei] for ei in keep}

    def match(self, question: str) -> MatchResult:
        ranked = self.rank(question, limit=8)
        if not ranked:
            return MatchResult("unknown", None, ())
        best = ranked[0]
        others = [m for m in ranked[1:] if m.entry.topic != best.entry.topic]
        runner_up = others[0].score if others else 0.0
        seen = {best.entry.topic}
        alternatives = []
        for m in others:
            if m.entry.topic not in seen and m.score >= SUGGEST_AT:
                seen.add(m.entry.topic)
                alternatives.append(m)
        confident = best.score >= SURE_AT or (
            best.score >= ANSWER_AT and best.score - runner_up >= MIN_GAP)
        if confident:
            return MatchResult("answer", best, tuple(alternatives[:3]))
        near = [best, *alternatives] if best.score >= SUGGEST_AT else alternatives
        return MatchResult("unknown", best, tuple(near[:3]))
