"""Red-flag triage: runs on every question first and always wins.

The rules live in knowledge/triage.toml; this module only knows how to read
them. A rule is one or more parts joined by "&"; a part is a sequence of
items (a word, or "@group" for any phrase of a word group) with at most
GAP other words between consecutive items; all parts must match within
WINDOW words of each other (WINDOW more for each part past two: every
part a rule requires makes a chance match less likely). Negation is deliberately ignored: "no fever"
still names a fever, and over-triage is safe where under-triage is not.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jellyfish
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .banks import NO_SIGN, Example
from .knowledge import KnowledgeBase, NumberRule, Sign
from .model import TextModel, cached, features
from .text import allowed_typos, stem, words

GAP = 2
PIECE_CHARS = 50_000      # a long message is read in pieces this long ...
PIECE_OVERLAP = 2_000     # ... each starting this far before the last one ended
DETECT_AT = 0.30          # the bank detector's "some sign" probability that routes ...
DETECT_NAMED = 0.15       # ... when one sign stands out at least this much ...
DETECT_SURE = 0.60        # ... or whatever it names, from this probability up
DETECTOR_C = 30.0
DETECTOR_MIN_DF = 2      # a feature seen in one message only is noise, and memory
# A real word heard or spelt like a sign word ("week" for "weak") is read as
# that word when, so read, the words around it are this likely some sign.
LIKELY_AT = 0.40
# The detector reads a sentence at a time, and a run-on one (a spoken
# transcript has no full stops) this many words at a time: in 40, a sign told
# in a few words was drowned by the talk around it.
CHUNK_WORDS = 20
# A sentence ends at its mark, and a line at its line break: a message typed
# a line at a time, or a sign on a line of its own, needs no full stops.
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\s*\n\s*")
WINDOW = 12
NUMBER_NEAR = 4
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")

STRONG, WEAK = 2, 1
SOUND_MIN = 4             # letters a word needs before its sound is compared
CONTEXT = 4               # words either side where a sound-alike finds its sign
# Word groups about how to read the others, not words of any sign.
NOT_SIGN_WORDS = ("unspecific", "noun_markers", "counted", "other_senses", "denials")
# A sign the rules find only through words as often about something else
# ("the print is so faint", "a wobbly table": the `other_senses` group) stands
# when the bank detector reads at least this chance of some sign in the
# CONFIRM_WORDS words either side of them. It learnt the everyday senses from
# the hard negatives.
CONFIRM_AT = 0.05
CONFIRM_WORDS = 8
DENIED_WITHIN = 2         # "no falls", "not any falls"
EXACT = "="               # "=legs": this word exactly, no other ending, no typo
# In a rule, whose it is does not matter: "pain in my chest" is also said
# "pain in the chest" and "pain in her chest". "=my" keeps one ("=my bottom"
# is not "the bottom" of the stairs).
OWNER = "~owner"
OWNERS = frozenset({"my", "his", "her", "their", "your", "our", "the"})


@dataclass(frozen=True)
class SignHit:
    id: str
    tier: str
    label: str
    words: str


@dataclass(frozen=True)
class Triage:
    tier: str
    signs: tuple[SignHit, ...]
    advice: str | None
    spoken: str | None

    @property
    def fired(self) -> bool:
        return self.tier != "none"


Phrase = tuple[str, ...]
Item = tuple[Phrase, ...]      # alternatives
Part = tuple[Item, ...]        # a sequence
Rule = tuple[Part, ...]        # all parts within WINDOW (more for 3+ parts)


class Triager:
    """Compiled triage rules for one knowledge base."""

    def __init__(self, kb: KnowledgeBase, cache: Path | None = None,
                 bank: Sequence[Example] | None = None,
                 detect_at: float = DETECT_AT,
                 quiet: Sequence[Example] | None = None) -> None:
        """`bank` and `quiet` (the phrasing bank's questions, "no sign") are
        what the detector learns from: all of them unless told otherwise, as
        bench/signs.py does to hold one style out."""
        self.kb = kb
        self.quiet = kb.phrasings if quiet is None else quiet
        self.detect_at = detect_at
        data = kb.triage
        self.tiers = data.tiers
        self.groups: dict[str, Item] = {
            name: tuple(phrase for p in phrases
                        if (phrase := _phrase(p, loose=name not in NOT_SIGN_WORDS)))
            for name, phrases in data.words.items()
        }
        self.rules: list[tuple[Sign, Rule]] = [
            (sign, self._compile(rule)) for sign in data.signs for rule in sign.rules
        ]
        self.ignore = ignore_list(data.ignore)
        vocab = {w for _, rule in self.rules for part in rule for item in part
                 for phrase in item for w in phrase}
        # Groups only raise rules use ("this morning", "the other leg") hold no
        # sign's words either: a real word among them ("past", "side") must
        # still be heard as the sign word it sounds like ("I past out").
        in_rules = {g for sign in data.signs for rule in sign.rules
                    for g in re.findall(r"@(\w+)", rule)}
        raising_only = {g for sign in data.signs for rule in sign.raise_rules
                        for g in re.findall(r"@(\w+)", rule)} - in_rules
        vocab |= {w for name, item in self.groups.items()
                  if name not in NOT_SIGN_WORDS and name not in raising_only
                  for phrase in item for w in phrase}
        # An exact word ("=legs") still forgives a typo that is no real word.
        self.exact = {w[1:] for w in vocab if w[0] == EXACT}
        plain = {w for w in vocab if not _NUMBER.match(w) and w[0] != EXACT and w != OWNER}
        self.vocab = sorted(plain | self.exact)
        self.by_stem: dict[str, set[str]] = {}
        self.sounds: dict[str, set[str]] = {}
        for w in sorted(plain):
            self.by_stem.setdefault(stem(w), set()).add(w)
            if len(w) >= SOUND_MIN:
                for key in _sound_keys(w):
                    self.sounds.setdefault(key, set()).add(w)
        # A sound-alike counts when a word of the same sign is near: the words
        # each sign's rules use, less those that point to no sign by themselves.
        unspecific = {w for phrase in self.groups.get("unspecific", ()) for w in phrase}
        unspecific |= kb.stopwords
        self.sign_words: dict[str, set[str]] = {}
        for sign, rule in self.rules:
            self.sign_words.setdefault(sign.id, set()).update(
                w for part in rule for item in part for phrase in item for w in phrase)
        self.unspecific = unspecific
        self.context = {sid: {w for w in ws if w not in unspecific and w[0] != EXACT
                              and w != OWNER
                              and not _NUMBER.match(w)}
                        for sid, ws in self.sign_words.items()}
        self.signs_of: dict[str, set[str]] = {}
        for sid, ws in self.sign_words.items():
            for w in ws:
                self.signs_of.setdefault(w, set()).add(sid)
        self.context_of: dict[str, set[str]] = {}
        for sid, ws in self.context.items():
            for w in ws:
                self.context_of.setdefault(w, set()).add(sid)
        # Signs raised from others (`raised_from`) and what raises them.
        self.raises = [(sign, [self._compile(rule) for rule in sign.raise_rules])
                       for sign in data.signs if sign.raised_from]
        self.rules_of: dict[str, list[tuple[Sign, Rule]]] = {}
        for sign, rule in self.rules:
            self.rules_of.setdefault(sign.id, []).append((sign, rule))
        self.counted = {w for phrase in self.groups.get("counted", ()) for w in phrase}
        self.other_senses = self.groups.get("other_senses", ())
        self.denials = {w for phrase in self.groups.get("denials", ()) for w in phrase}
        self.noun_markers = {w for phrase in self.groups.get("noun_markers", ()) for w in phrase}
        # Words of the guide and the entries are real words too ("soreness"
        # must not be read as a typo of "shortness"), and so are the stop words
        # ("weve" is not a typo of "wee").
        known = " ".join([kb.guide_text, *(q for e in kb.entries for q in e.questions),
                          *(e.answer for e in kb.entries)])
        self.real_words = kb.english_words | kb.stopwords | set(words(known))
        # Words said the same (feint/faint, week/weak: both sound keys, and the
        # pronouncing dictionary agrees): with the detector to judge, these need
        # no other word of the sign near.
        self.homophones: set[tuple[str, str]] = set()
        self._homophones: dict[str, frozenset[str]] | None = None
        self._candidates = lru_cache(maxsize=20_000)(self._compute_candidates)
        self.detector = self._train_detector(cache, kb.sign_bank if bank is None else bank)

    def _compile(self, rule: str) -> Rule:
        parts = []
        for text in rule.split("&"):
            items: list[Item] = []
            for token in text.split():
                if token.startswith("@"):
                    items.append(self.groups[token[1:]])
                else:
                    items.extend(((w,),) for w in _phrase(token, loose=True))
            parts.append(tuple(items))
        return tuple(parts)

    def _compute_candidates(self, token: str) -> dict[str, int]:
        """Which rule words this token may stand for, and how sure we are."""
        same_stem = self.by_stem.get(stem(token), ())
        found = {w: STRONG for w in same_stem}
        found[token] = found[EXACT + token] = STRONG
        if token in OWNERS:
            found[OWNER] = STRONG
        if token.endswith("er") and token[:-2] in self.by_stem.get(stem(token[:-2]), ()):
            found.setdefault(token[:-2], WEAK)     # "number": more numb?
        is_word = token in self.real_words
        # A rule word that is no English word ("piss" for "pass") may still be
        # a typo of another rule word: trusted only inside a longer phrase.
        rule_word = token in same_stem
        if (rule_word and is_word) or len(token) < 3 or token[0].isdigit():
            return found
        for w, dist, _ in process.extract(token, self.vocab, scorer=OSA.distance,
                                          score_cutoff=2, limit=None):
            longest = max(len(w), len(token))
            if dist > allowed_typos(longest) or w in found:
                continue
            if is_word and longest <= 4:
                continue
            found[w] = WEAK if is_word or rule_word else STRONG
            if w in self.exact and not is_word and not rule_word:
                found[EXACT + w] = STRONG
        if rule_word:
            return found
        if len(token) >= SOUND_MIN:
            # Spelt or heard like a sign word (week/weak, bowls/bowels,
            # past/passed, favour/fever): trusted only with the sign's other
            # words near (see _sound_alike_hits).
            meta, nysiis = _sound_keys(token)
            alike = {w for w in self.sounds.get(meta, set()) | self.sounds.get(nysiis, set())
                     if w[0] == token[0] and abs(len(w) - len(token)) <= 2
                     and OSA.distance(w, token) <= _sound_edits(w, token, meta)}
            for w in alike:
                found.setdefault(w, WEAK)
                if _sound_keys(w) == (meta, nysiis) and self.detector is not None \
                        and self._said_as(token, w):
                    self.homophones.add((token, w))
        return found

    def _said_as(self, token: str, word: str) -> bool:
        """Whether `token` is said as `word` by the pronouncing dictionary (read
        at the first need); one it does not know is judged by the sound keys."""
        if self._homophones is None:
            self._homophones = homophones(tuple(self.vocab))
        said = self._homophones.get(token)
        return said is None or word in said

    def _tokens(self, text: str) -> list[str]:
        """The words of `text`, those of the phrases to ignore blanked ("" each)."""
        return blanked(words(text), self.ignore)

    def _unidiomatic(self, text: str) -> str:
        """`text` without the phrases that look like a sign but are not one
        ("cabin fever", "numb with boredom"), so the detector reads what the
        rules read; unchanged when it has none."""
        tokens = self._tokens(text)
        if all(tokens):
            return text
        return " ".join(t for t in tokens if t)

    def _train_detector(self, cache: Path | None,
                        bank: Sequence[Example]) -> TextModel | None:
        """The sign bank's classifier: every sign against "no sign" (the hard
        negatives, the entries' questions and the phrasing bank)."""
        samples = [(ex.text, ex.label) for ex in bank]
        if not any(label != NO_SIGN for _, label in samples):
            return None
        samples += [(ex.text, NO_SIGN) for ex in self.quiet]
        samples += [(q, NO_SIGN) for e in self.kb.entries for q in e.questions]
        # Learnt from the words it will be shown: without the phrases to ignore
        # (rewritten only when it is trained, not at every start from the cache).
        return cached(cache, "signs", samples, None, extra=self.ignore,
                      reword=self._unidiomatic, c=DETECTOR_C, min_df=DETECTOR_MIN_DF)

    def detected(self, text: str) -> list[tuple[str, float]]:
        """Signs the bank detector finds, each with its probability, read a
        sentence (or at most CHUNK_WORDS words) at a time, so that a sign
        anywhere in a long message weighs as much as in a short one.
        A sentence only vaguely like every sign at once (some sign likely, but
        none standing out) names none: in the bank's cross-validation these
        were a sixth of the false alarms and almost never a sign."""
        if self.detector is None:
            return []
        found: dict[str, float] = {}
        labels = self.detector.labels
        none = labels.index(NO_SIGN)
        for chunk in chunks(text):
            probs = self.detector.probabilities(features(self._unidiomatic(chunk)))
            some = 1.0 - probs[none]
            probs[none] = -1.0
            best = int(probs.argmax())
            if names_a_sign(some, float(probs[best]), self.detect_at):
                found[labels[best]] = max(found.get(labels[best], 0.0), float(probs[best]))
        return sorted(found.items(), key=lambda kv: -kv[1])

    def triage(self, question: str) -> Triage:
        """The signs in a message of any length: a long one is read in
        overlapping pieces, every part of it, so no sign is lost to a limit."""
        hits: dict[str, SignHit] = {}
        for piece in pieces(question):
            for sign_id, hit in self._rule_hits(piece).items():
                hits.setdefault(sign_id, hit)
        # The bank detector hears signs told in words no rule has; the rules
        # stay the precise first line and name the words they matched. It
        # reads every message, even one the rules flagged: a fall the rules
        # caught must not hide a collapse only the detector heard.
        # A sign made of others together (a fever with a headache and a stiff
        # neck): when the rules found the sign it is built on (`built_on`, the
        # fever) but not the whole, the detector adds it only when sure
        # (DETECT_SURE): "a fever and a headache" stays urgent, while a stiff
        # neck the rules could not read ("a staff neck", "cant touch chin to
        # chest") is still an emergency. Heard by the detector alone, it stands.
        by_id = {sign.id: sign for sign in self.kb.triage.signs}
        for sign_id, probability in self.detected(question)[:2]:
            sign = by_id[sign_id]
            if sign.built_on is None or sign.built_on not in hits \
                    or probability >= DETECT_SURE:
                hits.setdefault(sign_id, SignHit(sign_id, sign.tier, sign.label, ""))
        hits.update(self._raised(question, hits))
        return self._verdict(list(hits.values()))

    def _raised(self, question: str, hits: dict[str, SignHit]) -> dict[str, SignHit]:
        """Signs raised from others found (`raised_from`: leg weakness or
        spreading numbness) when a sentence that tells one of them also says
        what raises it (`raise_rules`: it came on suddenly, or within hours),
        however far apart its words: "the tingling started in my foot at
        breakfast and by now it has crept past my knee" is an emergency."""
        found: dict[str, SignHit] = {}
        for sign, rules in self.raises:
            if sign.id in hits or not hits.keys() & set(sign.raised_from):
                continue
            for sentence in (s for piece in pieces(question) for s in _SENTENCE.split(piece)):
                tokens = self._tokens(sentence)
                cands = [self._candidates(t) if t else {} for t in tokens]
                where: dict[str, list[int]] = {}
                for i, cand in enumerate(cands):
                    for w in cand:
                        where.setdefault(w, []).append(i)
                span = next((s for rule in rules
                             if (s := self._match_rule(rule, cands, where)) is not None), None)
                if span is None:
                    continue
                told = self._rule_hits(sentence).keys() | {sid for sid, _ in
                                                           self.detected(sentence)}
                if told & set(sign.raised_from):
                    found[sign.id] = SignHit(sign.id, sign.tier, sign.label, " ".join(
                        t for t in tokens[span[0]:span[1]] if t))
                    break
        return found

    def _rule_hits(self, question: str) -> dict[str, SignHit]:
        """The signs the rules find; one found only through words in another
        of their senses ("so faint I can't read it") when the detector reads
        some sign where they are too."""
        tokens = self._tokens(question)
        hits = self._hits(tokens)
        if hits and self.detector is not None:
            plain = self._doubted(tokens)
            doubtful = hits.keys() - self._hits(plain).keys() if plain != tokens else set()
            if doubtful and not self._confirmed(tokens, plain):
                hits = {sid: hit for sid, hit in hits.items() if sid not in doubtful}
        return hits

    def _doubted(self, tokens: list[str]) -> list[str]:
        """`tokens` with the words of `other_senses` blanked, except where one
        of `denials` is among the DENIED_WITHIN words before them."""
        plain = blanked(tokens, self.other_senses)
        for i, j in blanked_runs(tokens, plain):
            if self.denials.intersection(tokens[max(0, i - DENIED_WITHIN):i]):
                plain[i:j] = tokens[i:j]
        return plain

    def _confirmed(self, tokens: list[str], plain: list[str]) -> bool:
        """Whether the words around a word of `other_senses` (blanked in
        `plain`) are some sign to the detector (CONFIRM_AT): CONFIRM_WORDS
        either side, not the whole sentence, so that whatever else a long
        sentence says can neither drown a sign nor lend one to "the print"."""
        for i, j in blanked_runs(tokens, plain):
            near = tokens[max(0, i - CONFIRM_WORDS):j + CONFIRM_WORDS]
            if self._some(" ".join(t for t in near if t)) >= CONFIRM_AT:
                return True
        return False

    def _hits(self, tokens: list[str]) -> dict[str, SignHit]:
        cands = [self._candidates(t) if t else {} for t in tokens]
        # A word used as a noun of its own ("a full bag", "this week") stands
        # for no other word: only what it surely is counts.
        cands = [{w: s for w, s in cand.items() if s == STRONG}
                 if WEAK in cand.values() and self._noun_use(tokens, cands, i) else cand
                 for i, cand in enumerate(cands)]
        where: dict[str, list[int]] = {}
        for i, cand in enumerate(cands):
            for w in cand:
                where.setdefault(w, []).append(i)
        hits: dict[str, SignHit] = {}
        for sign, rule in self.rules:
            if sign.id in hits:
                continue
            span = self._match_rule(rule, cands, where)
            if span is not None:
                hits[sign.id] = SignHit(sign.id, sign.tier, sign.label,
                                        " ".join(t for t in tokens[span[0]:span[1]] if t))
        hits.update(self._sound_alike_hits(tokens, cands, where, hits))
        for sign in self.kb.triage.signs:
            if sign.id not in hits:
                found = self._match_numbers(sign.numbers, tokens, cands)
                if found is not None:
                    hits[sign.id] = SignHit(sign.id, sign.tier, sign.label, found)
        return hits

    def _sound_alike_hits(self, tokens: list[str], cands: list[dict[str, int]],
                          where: dict[str, list[int]],
                          hits: dict[str, SignHit]) -> dict[str, SignHit]:
        """Signs the rules find once an uncertain word (a real word spelt or
        heard like a sign word) is trusted because a sure word of the same
        sign is within CONTEXT words, and it is not used as a noun of its
        own ("a weak signal" is exact; "this week", "2 bowls" are nouns)."""
        sure: dict[str, frozenset[str]] = {}

        def sure_signs(j: int) -> frozenset[str]:
            # A word that points to no sign by itself does not by another
            # ending either: "head" is not "headed" (of "light headed").
            if tokens[j] in self.unspecific:
                return frozenset()
            if tokens[j] not in sure:
                sure[tokens[j]] = frozenset(sid for w, s in cands[j].items() if s == STRONG
                                            for sid in self.context_of.get(w, ()))
            return sure[tokens[j]]

        upgrades: dict[str, dict[int, list[str]]] = {}
        for i, cand in enumerate(cands):
            unsure = [w for w, s in cand.items() if s == WEAK]
            if not unsure or self._noun_use(tokens, cands, i):
                continue
            near = frozenset().union(*(sure_signs(j) for j in range(
                max(0, i - CONTEXT), min(len(cands), i + CONTEXT + 1)) if j != i))
            for w in unsure:
                for sid in self.signs_of.get(w, ()):
                    if (sid in near or (tokens[i], w) in self.homophones) and sid not in hits:
                        upgrades.setdefault(sid, {}).setdefault(i, []).append(w)
        found: dict[str, SignHit] = {}
        for sign_id, ups in upgrades.items():
            trusted = list(cands)
            for i, ws in ups.items():
                trusted[i] = {**cands[i], **dict.fromkeys(ws, STRONG)}
            for sign, rule in self.rules_of[sign_id]:
                span = self._match_rule(rule, trusted, where)
                if span is None:
                    continue
                # The bank detector judges whether the words around make the
                # sign likely: "look at my wound" is not "leak at my wound".
                if self.detector is None or self._likely(tokens, ups, span):
                    found[sign_id] = SignHit(sign.id, sign.tier, sign.label,
                                             " ".join(t for t in tokens[span[0]:span[1]] if t))
                    break
        return found

    def _likely(self, tokens: list[str], ups: dict[int, list[str]],
                span: tuple[int, int]) -> bool:
        """Whether the words around `span`, with the uncertain words read as
        the sign words they may be (each reading in turn), are a sign."""
        lo, hi = max(0, span[0] - CONTEXT), span[1] + CONTEXT
        for k in range(max(len(ws) for ws in ups.values())):
            repaired = [ups[i][min(k, len(ups[i]) - 1)] if i in ups else tokens[i]
                        for i in range(lo, min(hi, len(tokens)))]
            if self._some_sign(" ".join(w for w in repaired if not _NUMBER.match(w))):
                return True
        return False

    def _some_sign(self, text: str) -> bool:
        return self._some(text) >= LIKELY_AT

    def _some(self, text: str) -> float:
        """The detector's probability that `text` tells some sign."""
        assert self.detector is not None
        probs = self.detector.probabilities(features(text))
        return 1.0 - float(probs[self.detector.labels.index(NO_SIGN)])

    def _noun_use(self, tokens: list[str], cands: list[dict[str, int]], i: int) -> bool:
        """Whether the word at `i` is a noun of its own ("this week", "2 bowls"),
        not a word that describes the next one when the next is surely a word of
        the same sign ("a staff neck" is "a stiff neck", "a week leg" "a weak leg")."""
        before = tokens[i - 1] if i else ""
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        marked = before in self.noun_markers or _NUMBER.match(before) is not None \
            or (tokens[i] in self.counted and _NUMBER.match(after) is not None)
        if not marked or i + 1 == len(tokens):
            return marked
        maybe = {sid for w, s in cands[i].items() if s == WEAK for sid in self.signs_of.get(w, ())}
        sure = {sid for w, s in cands[i + 1].items() if s == STRONG
                for sid in self.context_of.get(w, ())}
        return not maybe & sure

    def _verdict(self, hits: list[SignHit]) -> Triage:
        if not hits:
            return Triage("none", (), None, None)
        tier = "emergency" if any(h.tier == "emergency" for h in hits) else "urgent"
        hits.sort(key=lambda h: h.tier != "emergency")
        info = self.tiers[tier]
        return Triage(tier, tuple(hits), info.advice, info.spoken)

    def _match_rule(self, rule: Rule, cands: list[dict[str, int]],
                    where: dict[str, list[int]]) -> tuple[int, int] | None:
        spans_per_part = []
        for part in rule:
            spans = self._match_part(part, cands, where)
            if not spans:
                return None
            spans_per_part.append(spans)
        if len(spans_per_part) == 1:
            return spans_per_part[0][0]
        first, *rest = spans_per_part
        window = WINDOW * len(rest)
        starts = [[s[0] for s in spans] for spans in rest]
        for start, end in first:
            lo, hi = start, end
            ok = True
            for spans, at in zip(rest, starts, strict=True):
                # Only the spans starting nearest the ones so far can be best.
                k = bisect_left(at, lo)
                near = spans[max(0, k - 2):k + 2] + spans[max(0, bisect_left(at, hi) - 2):
                                                         bisect_left(at, hi) + 2]
                best = min(near, key=lambda s: max(hi, s[1]) - min(lo, s[0]))
                if max(hi, best[1]) - min(lo, best[0]) > window:
                    ok = False
                    break
                lo, hi = min(lo, best[0]), max(hi, best[1])
            if ok:
                return lo, hi
        return None

    def _match_part(self, part: Part, cands: list[dict[str, int]],
                    where: dict[str, list[int]]) -> list[tuple[int, int]]:
        """Every (start, end) where the sequence matches, trusting at most one
        uncertain typo and only when another word of the sequence is sure: an
        article or the like ("a", "this": `noun_markers`) says nothing of
        what follows it, so "a full bag" is not "a fall"."""
        spans = []
        for phrase in part[0]:
            for start in where.get(phrase[0], ()):
                for end, weak, count in self._follow(part, 0, phrase, start, cands):
                    if weak == 0 or (weak == 1 and count >= 2):
                        spans.append((start, end))
        return sorted(spans)

    def _follow(self, part: Part, index: int, phrase: Phrase, start: int,
                cands: list[dict[str, int]]):
        """Yield (end, weak words, words that are no noun marker) for each way
        `part[index:]` matches with `phrase` of item `index` placed at `start`."""
        weak = 0
        for k, w in enumerate(phrase):
            pos = start + k
            if pos >= len(cands) or w not in cands[pos]:
                return
            weak += cands[pos][w] == WEAK
        end = start + len(phrase)
        telling = sum(w not in self.noun_markers for w in phrase)
        if index + 1 == len(part):
            yield end, weak, telling
            return
        for nxt in range(end, min(end + GAP + 1, len(cands))):
            for alt in part[index + 1]:
                if alt[0] in cands[nxt]:
                    for e, wk, c in self._follow(part, index + 1, alt, nxt, cands):
                        yield e, weak + wk, telling + c

    def _match_numbers(self, rules: tuple[NumberRule, ...], tokens: list[str],
                       cands: list[dict[str, int]]) -> str | None:
        for i, token in enumerate(tokens):
            if not _NUMBER.match(token):
                continue
            value = float(token)
            for rule in rules:
                if not rule.min <= value <= rule.max:
                    continue
                if rule.decimal and "." not in token:
                    continue
                if rule.near and not self._near(rule.near, i, cands):
                    continue
                return token
        return None

    def _near(self, item: str, i: int, cands: list[dict[str, int]]) -> bool:
        """Whether `item` is within NUMBER_NEAR words of the number at `i`, in
        words it surely is: a number and one word are no phrase to trust a
        real word's typo in ("40 years and never" is not a fever of 40)."""
        alts = self.groups[item[1:]] if item.startswith("@") else ((item,),)
        lo, hi = max(0, i - NUMBER_NEAR), min(len(cands), i + NUMBER_NEAR + 1)
        return any(all(j + k < len(cands) and cands[j + k].get(w) == STRONG
                       for k, w in enumerate(alt))
                   for alt in alts for j in range(lo, hi))


def blanked(tokens: list[str], phrases: Sequence[Phrase]) -> list[str]:
    """`tokens` with every occurrence of `phrases` blanked ("" a word), in the
    order given: a word once blanked starts or continues no other phrase (the
    longest first keeps "better than before" whole). Each phrase is tried only
    where its first word is: a long message has thousands of words, the lists
    hundreds."""
    at: dict[str, list[int]] = {}
    for i, token in enumerate(tokens):
        at.setdefault(token, []).append(i)
    out = list(tokens)
    for phrase in phrases:
        n = len(phrase)
        for i in at.get(phrase[0], ()):
            if tuple(out[i:i + n]) == phrase:
                out[i:i + n] = [""] * n
    return out


def ignore_list(phrases: Sequence[str]) -> list[Phrase]:
    """The phrases to ignore as words, with their owners' variants, longest
    first ("no worse than" before "no worse"), otherwise in the file's order:
    the same list in every process, since it is part of the detector cache's
    key (a set's order changes from one process to the next)."""
    return sorted(dict.fromkeys(variant for p in phrases if words(p)
                                for variant in sorted(owned_alike(tuple(words(p))))),
                  key=len, reverse=True)


def owned_alike(phrase: Phrase) -> set[Phrase]:
    """`phrase` and its variants with each personal owner for another ("tripped
    over my words" is also "tripped over her words"). "the" is kept as it is:
    "in the fall" is a season, "in my fall" is not."""
    personal = sorted(OWNERS - {"the"})
    variants = {phrase}
    for i, w in enumerate(phrase):
        if w in personal:
            variants |= {v[:i] + (owner,) + v[i + 1:] for v in variants for owner in personal}
    return variants


def blanked_runs(tokens: list[str], plain: list[str]) -> list[tuple[int, int]]:
    """The (start, end) of each run of words that `plain` (`tokens` as
    blanked() left them) has blanked."""
    runs: list[tuple[int, int]] = []
    for i, (token, kept) in enumerate(zip(tokens, plain, strict=True)):
        if token != kept:
            if runs and runs[-1][1] == i:
                runs[-1] = (runs[-1][0], i + 1)
            else:
                runs.append((i, i + 1))
    return runs


@lru_cache(maxsize=2)
def homophones(vocab: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """What the pronouncing dictionary pocketsphinx ships (CMUdict) says of
    the words that share both sound keys with a word of `vocab`: the words of
    `vocab` each is said exactly as ({"week": {"weak"}, "feint": {"faint"},
    "past": {"passed"}}), and none for the others ({"fill": {}}: the keys
    cannot tell fill/fall or find/faint from week/weak). A word missing
    here is not in the dictionary. Empty when it cannot be read. Kept for
    the next Triager of the same rules: reading it takes a third of a second."""
    try:
        import pocketsphinx

        path = Path(pocketsphinx.get_model_path(), "en-us", "cmudict-en-us.dict")
        lines = path.read_text(encoding="utf-8").splitlines()
    except (ImportError, OSError, UnicodeDecodeError):
        return {}
    keys = {_sound_keys(w) for w in vocab}
    said: dict[str, set[str]] = {}
    for line in lines:
        word, _, phones = line.partition(" ")
        word = word.split("(")[0]
        if word in said or _sound_keys(word) in keys:
            said.setdefault(word, set()).add(phones.strip())
    known = set(vocab) & said.keys()
    return {w: frozenset(a for a in known if a != w and said[a] & p)
            for w, p in said.items()}


def _sound_keys(word: str) -> tuple[str, str]:
    return jellyfish.metaphone(word), jellyfish.nysiis(word)


def _sound_edits(word: str, token: str, token_meta: str) -> int:
    """How differently a sound-alike may be spelt: three letters for a long
    word with the same Metaphone key (favour/fever), else two (so "again" is
    not "agony")."""
    same = jellyfish.metaphone(word) == token_meta
    return 3 if same and max(len(word), len(token)) >= 6 else 2


def _phrase(text: str, loose: bool = False) -> Phrase:
    """A rule phrase's words; a word written "=word" keeps its mark, and
    with `loose` any of OWNERS stands for all of them (OWNER)."""
    out: list[str] = []
    for piece in text.split():
        exact = piece.startswith(EXACT)
        out += [EXACT + w if exact else OWNER if loose and w in OWNERS else w
                for w in words(piece.lstrip(EXACT))]
    return tuple(out)


def format_advice(text: str, emergency_number: str) -> str:
    return text.replace("{emergency_number}", emergency_number)


def pieces(text: str) -> Iterator[str]:
    """`text` in pieces of at most PIECE_CHARS (well under what clean() keeps),
    cut at a space and overlapping by PIECE_OVERLAP, so that a sign told
    across a cut is still read whole in one of them."""
    start = 0
    while True:
        end = start + PIECE_CHARS
        if end >= len(text):
            yield text[start:]
            return
        cut = text.rfind(" ", start + PIECE_OVERLAP, end)
        end = cut if cut > 0 else end
        yield text[start:end]
        back = text.rfind(" ", start, end - PIECE_OVERLAP)
        start = back if back > start else end - PIECE_OVERLAP


def names_a_sign(some: float, top: float, detect_at: float = DETECT_AT) -> bool:
    """Whether a sentence is a sign to the detector: `some` is its probability
    of any sign, `top` that of the likeliest one."""
    return some >= detect_at and (some >= DETECT_SURE or top >= DETECT_NAMED)


def chunks(text: str) -> Iterator[str]:
    """Sentences of at most CHUNK_WORDS words, overlapping by half where a
    sentence is longer, so a sign across a cut is still read whole."""
    for sentence in _SENTENCE.split(text):
        ws = sentence.split()
        if len(ws) <= CHUNK_WORDS:
            if ws:
                yield sentence
            continue
        step = CHUNK_WORDS // 2
        for start in range(0, len(ws) - step, step):
            yield " ".join(ws[start:start + CHUNK_WORDS])
