"""Guards that hold every answer to what the guide says, for `kb check`.

A quote checked word for word proves the guide says the quote; it does not
prove the answer says only that. These guards look at the answer itself:

- Numbers. Every number, range and time span in an answer ("30 to 45
  minutes", "week 2", "three spaces") must appear in the guide text of the
  entry's section, with the same unit when it has one. "About 6 weeks" cannot
  appear in an answer whose section names no 6 weeks. And the number must
  stand in a passage that supports the sentence it is in: a restriction the
  guide gives for weeks 3 to 6 cannot be told of week 2.
- Support. Every answer sentence is compared with the guide passages of its
  section (each run of WINDOW sentences in a row, each bulleted list with the
  line that leads into it, each row of a table) and with its quotes: the
  share of the sentence's content words (stemmed, plain words mapped to the
  guide's words by knowledge/grounding.toml) found in the best passage is its
  support. A sentence under MIN_SUPPORT is reported. A sentence that is the
  assistant's own framing ("Ask your surgeon when driving is right for
  you.") may be listed in the entry's `source.own_words`; it is then shown to
  a reviewer as such, and may carry no number.
- Synonyms. knowledge/synonyms.toml maps a lay word to a guide word
  everywhere, without context; a one-word synonym must therefore be listed in
  its `[[safe]]` tables with the reason it cannot mean anything else.

`kb review` (review.py) prints the same support figures, sentence by sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .knowledge import Entry, KnowledgeBase, Problem, _File, check_knowledge

MIN_SUPPORT = 0.6        # share of a sentence's content words found in one guide passage
WINDOW = 3               # guide sentences in a row that make one passage

# Words that carry no content in an answer sentence, beyond the project's stopwords.
_FUNCTION_TEXT = """
a an and are as at be been being both but by can could did do does doing done
each either for from had has have having he her hers him his how if in into is it
its itself may might more most much must no nor not of off on once one only or
other our out over own same she should so some such than that the their them then
there these they this those through to too under until up upon very was we were
what when where whether which while who whom whose why will with would you your
yours also just even still yet again ever often usually quite rather really lot after
lots bit like get gets got make makes made thing things way ways well
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())

_WORD = re.compile(r"[a-z][a-z'-]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")

_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}
_UNITS = {
    "minute": "minute", "minutes": "minute", "hour": "hour", "hours": "hour",
    "day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month",
    "months": "month", "year": "year", "years": "year", "cm": "cm", "mm": "mm",
    "inch": "inch", "inches": "inch", "percent": "percent", "%": "percent",
}
_LINKS = {"to", "and", "or", "-", "–"}
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[a-z]+|%|[-–]")


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str | None
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Support:
    """One answer sentence and the guide passage that supports it best."""

    sentence: str
    score: float                 # 0.0-1.0, share of content words in `passage`
    passage: str                 # the best guide passage (or quote)
    missing: tuple[str, ...]     # content words of the sentence not in it
    own_words: bool = False      # listed by the entry as the assistant's framing


def sentences(text: str) -> list[str]:
    """An answer or guide text cut into sentences (and guide lines)."""
    found: list[str] = []
    for line in text.splitlines():
        found += [s.strip() for s in _SENTENCE_END.split(line) if s.strip()]
    return found


def stem(word: str) -> str:
    """A light suffix stripper: enough that 'healing', 'heals' and 'healed' meet."""
    word = word.strip("'-")
    if word.endswith("'s"):
        word = word[:-2]
    for suffix, keep in (("ies", "y"), ("iness", "y"), ("ness", ""), ("ment", ""),
                         ("ings", ""), ("ing", ""), ("edly", ""), ("ed", ""), ("ly", ""),
                         ("es", ""), ("s", ""), ("e", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)] + keep
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]                     # stopp -> stop, plann -> plan
    return word


class Grounder:
    """Content words, passages and quantities for one knowledge base."""

    def __init__(self, kb: KnowledgeBase, plain_words: dict[str, str] | None = None) -> None:
        self.kb = kb
        self.stop = _FUNCTION_WORDS | kb.stopwords
        self.plain = plain_words if plain_words is not None else load_plain_words(kb.root)
        self._words: dict[str, dict[str, str]] = {}
        self._numbers: dict[str, list[Quantity]] = {}
        headings = _File(kb.root / "guide.toml", []).data.get("sections", [])
        self.raw_sections = _raw_sections(kb.guide_text, headings)
        self.sections = {h: _squash(t) for h, t in self.raw_sections.items()}

    def words(self, text: str) -> dict[str, str]:
        """The content words of `text`: each stem, and the word it came from."""
        out: dict[str, str] = {}
        for raw in _WORD.findall(text.lower().replace("’", "'")):
            for word in raw.split("-"):
                mapped = self.plain.get(word, word)
                for part in mapped.split():
                    if part not in self.stop and len(part) > 2:
                        out.setdefault(stem(part), word)
        return out

    def passages(self, sections: tuple[str, ...], quotes: tuple[str, ...]) -> list[str]:
        found = list(quotes)
        for section in sections:
            text = self._section_lines(section)
            prose = "\n".join(line for line in text.splitlines() if not line.startswith("|"))
            guide = sentences(prose)
            found += [" ".join(guide[i:i + WINDOW])
                      for i in range(max(1, len(guide) - WINDOW + 1))]
            found += _lists(text)
        return found

    def numbers(self, passage: str) -> list[Quantity]:
        if passage not in self._numbers:
            self._numbers[passage] = quantities(passage)
        return self._numbers[passage]

    def _section_lines(self, section: str) -> str:
        """The section with its line breaks kept, so list items stay apart."""
        return self.raw_sections.get(section, "")

    def support(self, sentence: str, passages: list[str]) -> Support:
        words = self.words(sentence)
        if not words:
            return Support(sentence, 1.0, "", ())
        best, best_passage, best_missing = 0.0 if not passages else -1.0, "", tuple(
            sorted(words.values()))
        for passage in passages:
            if passage not in self._words:
                self._words[passage] = self.words(passage)
            found = words.keys() & self._words[passage].keys()
            score = len(found) / len(words)
            # On a tie the shorter passage wins: it is the one a reviewer reads.
            if score > best or (score == best and len(passage) < len(best_passage)):
                best, best_passage = score, passage
                best_missing = tuple(sorted(words[w] for w in words.keys() - found))
        return Support(sentence, best, best_passage, best_missing)

    def entry_support(self, entry_id: str, own_words: tuple[str, ...] = ()) -> list[Support]:
        entry = self.kb.entry(entry_id)
        passages = self.passages(named_sections(entry), entry.source.quotes)
        out = []
        for sentence in sentences(entry.answer):
            found = self.support(sentence, passages)
            if _squash(sentence) in own_words:
                found = Support(found.sentence, found.score, found.passage, found.missing, True)
            out.append(found)
        return out


def named_sections(entry: Entry) -> tuple[str, ...]:
    """The entry's section and the others it draws on."""
    return (entry.source.section, *entry.source.also)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _lists(text: str) -> list[str]:
    """Each bulleted list of the guide with the line that leads into it (an
    answer may name the whole list in one sentence), and each row of a table
    on its own (a row is one stage; rows are not to be mixed)."""
    lists: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("|"):
            if not set(lines[i]) <= set("|-: "):
                lists.append(lines[i])
            i += 1
        elif lines[i].startswith("- "):
            j = i
            while j < len(lines) and lines[j].startswith("- "):
                j += 1
            lists.append(" ".join(lines[max(0, i - 1):j]))
            i = j
        else:
            i += 1
    return lists


def _raw_sections(text: str, headings: list[str]) -> dict[str, str]:
    """Each main heading's text up to the next one, line breaks kept."""
    starts = sorted((text.find("\n" + h + "\n"), h) for h in headings if "\n" + h + "\n" in text)
    return {h: text[start:(starts[i + 1][0] if i + 1 < len(starts) else len(text))]
            for i, (start, h) in enumerate(starts)}


def quantities(text: str) -> list[Quantity]:
    """Every number in `text`, with the unit it is given ("30 to 45 minutes",
    "weeks 3 to 6", "the second week", "three spaces")."""
    tokens = _TOKEN.findall(text.lower())
    found: list[Quantity] = []
    for i, tok in enumerate(tokens):
        value: float | None = None
        if tok[0].isdigit():
            value = float(tok)
        elif tok in _NUMBER_WORDS:
            value = float(_NUMBER_WORDS[tok])
        elif tok in _ORDINALS and i + 1 < len(tokens) and tokens[i + 1] in _UNITS:
            value = float(_ORDINALS[tok])
        if value is None:
            continue
        unit = _unit_near(tokens, i)
        found.append(Quantity(value, unit, f"{tok} ({unit}s)" if unit else tok))
    return found


def _unit_near(tokens: list[str], i: int) -> str | None:
    """The unit after the number, after the range it starts ("3 to 4 cm"), or
    before it ("week 2", "weeks 3 to 6", "day 3 to day 7")."""
    j = i + 1
    if j < len(tokens) and tokens[j] in _UNITS:
        return _UNITS[tokens[j]]
    if j + 2 < len(tokens) and tokens[j] in _LINKS and _is_number(tokens[j + 1]) \
            and tokens[j + 2] in _UNITS:
        return _UNITS[tokens[j + 2]]
    if i >= 1 and tokens[i - 1] in _UNITS:
        return _UNITS[tokens[i - 1]]
    if i >= 3 and tokens[i - 1] in _LINKS and _is_number(tokens[i - 2]) \
            and tokens[i - 3] in _UNITS:
        return _UNITS[tokens[i - 3]]
    return None


def _is_number(token: str) -> bool:
    return token[0].isdigit() or token in _NUMBER_WORDS


def load_plain_words(root: Path, problems: list[Problem] | None = None) -> dict[str, str]:
    """knowledge/grounding.toml's plain words: each plain word the answers use,
    mapped to the guide's own word for the same thing."""
    f = _File(root / "grounding.toml", problems if problems is not None else [])
    table = f.data.get("plain_words", {})
    plain: dict[str, str] = {}
    if not isinstance(table, dict):
        if problems is not None:
            problems.append(Problem(f.path, f.find("[plain_words]"), "[plain_words] must be "
                                    "a table of guide word = [plain words]"))
        return plain
    for guide_word, said in table.items():
        if not isinstance(said, list) or not all(isinstance(s, str) and s for s in said):
            if problems is not None:
                problems.append(Problem(f.path, f.find(f"{guide_word} ="), f"plain words for "
                                        f"'{guide_word}' must be a list of words"))
            continue
        plain.update((s.lower(), guide_word.lower()) for s in said)
    return plain


def _entry_blocks(root: Path) -> dict[str, tuple[_File, int, int, dict[str, Any]]]:
    """Each entry id: its file, first and last line, and raw table."""
    blocks: dict[str, tuple[_File, int, int, dict[str, Any]]] = {}
    for path in sorted((root / "entries").glob("*.toml")):
        f = _File(path, [])
        starts = f.blocks("entry")
        for i, raw in enumerate(f.data.get("entry", [])):
            if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
                continue
            start = starts[i] if i < len(starts) else 1
            end = starts[i + 1] - 1 if i + 1 < len(starts) else len(f.lines)
            blocks.setdefault(raw["id"], (f, start, end, raw))
    return blocks


def own_words_of(raw: dict[str, Any]) -> tuple[str, ...]:
    source = raw.get("source")
    listed = source.get("own_words", []) if isinstance(source, dict) else []
    return tuple(_squash(s) for s in listed if isinstance(s, str)) \
        if isinstance(listed, list) else ()


def check_all(root: Path | None = None) -> tuple[KnowledgeBase | None, list[Problem]]:
    """What `kb check` runs: the loader's checks, then these guards. The app's
    own start-up runs only the loader's, so a wording flag cannot stop it."""
    kb, problems = check_knowledge(root)
    if kb is None:
        return None, problems
    problems = check_grounding(kb)
    return (None, problems) if problems else (kb, [])


@dataclass(frozen=True)
class EntryFindings:
    """What the guards found in one entry, for kb check and kb review."""

    entry: Entry
    support: tuple[Support, ...]
    invented: tuple[Quantity, ...]          # numbers the guide's sections lack
    stray_own_words: tuple[str, ...]        # own_words that are no answer sentence
    numbered_own_words: tuple[str, ...]     # own_words that carry a number
    # (sentence, number): the guide has the number, but in no passage that
    # supports the sentence, e.g. a restriction of weeks 3 to 6 told of week 2
    misplaced: tuple[tuple[str, Quantity], ...] = ()

    @property
    def weak(self) -> tuple[Support, ...]:
        return tuple(s for s in self.support if not s.own_words and s.score < MIN_SUPPORT)


def find(grounder: Grounder, entry: Entry, own: tuple[str, ...]) -> EntryFindings:
    answer_sentences = {_squash(s) for s in sentences(entry.answer)}
    known = [q for h in named_sections(entry) for q in quantities(grounder.sections.get(h, ""))]
    invented = tuple(q for q in quantities(entry.answer) if not any(_same(k, q) for k in known))
    passages = grounder.passages(named_sections(entry), entry.source.quotes)
    misplaced = []
    for sentence in sentences(entry.answer):
        if _squash(sentence) in own:
            continue
        for q in quantities(sentence):
            if q in invented:
                continue
            holding = [p for p in passages if any(_same(k, q) for k in grounder.numbers(p))]
            if grounder.support(sentence, holding).score < MIN_SUPPORT:
                misplaced.append((sentence, q))
    return EntryFindings(
        entry, tuple(grounder.entry_support(entry.id, own)), invented,
        tuple(s for s in own if s not in answer_sentences),
        tuple(s for s in own if s in answer_sentences and quantities(s)), tuple(misplaced))


def _same(known: Quantity, used: Quantity) -> bool:
    return known.value == used.value and (used.unit is None or known.unit == used.unit)


def find_all(kb: KnowledgeBase, problems: list[Problem] | None = None) -> list[EntryFindings]:
    """The findings for every entry, in the knowledge base's order."""
    grounder = Grounder(kb, load_plain_words(kb.root, problems))
    blocks = _entry_blocks(kb.root)
    return [find(grounder, e, own_words_of(blocks[e.id][3]) if e.id in blocks else ())
            for e in kb.entries]


def check_grounding(kb: KnowledgeBase) -> list[Problem]:
    """Every number, sentence and synonym that goes beyond the guide."""
    problems: list[Problem] = []
    blocks = _entry_blocks(kb.root)
    for found in find_all(kb, problems):
        entry = found.entry
        if entry.id not in blocks:
            continue
        f, start, end, raw = blocks[entry.id]
        answer_line = f.find("answer", start, end)
        listed = raw.get("source", {}).get("own_words", [])
        if not isinstance(listed, list) or not all(isinstance(x, str) for x in listed):
            problems.append(Problem(f.path, f.find("own_words", start, end), f"entry "
                                    f"'{entry.id}': own_words must be a list of sentences "
                                    "of the answer"))

        def where(text: str, f: _File = f, start: int = start, end: int = end,
                  fallback: int = answer_line) -> int:
            line = f.find(text, start, end)
            return line if line != start else fallback

        for sentence in found.stray_own_words:
            problems.append(Problem(f.path, where(sentence), f"own_words lists {sentence!r}, "
                                    "which is not a sentence of the answer; copy the "
                                    "sentence exactly or remove it from own_words"))
        for sentence in found.numbered_own_words:
            problems.append(Problem(f.path, where(sentence), f"own_words sentence "
                                    f"{sentence!r} has a number; a number must come "
                                    "from the guide, so quote it instead"))
        for q in found.invented:
            problems.append(Problem(f.path, answer_line, f"entry '{entry.id}': the number "
                                    f"'{q}' is not in the guide text of its section(s) "
                                    f"{', '.join(named_sections(entry))}; use the guide's "
                                    "own number there or drop it"))
        for sentence, q in found.misplaced:
            problems.append(Problem(f.path, where(sentence), f"entry '{entry.id}': the number "
                                    f"'{q}' in {sentence!r} is in the guide, but not in a "
                                    "passage that supports this sentence (is it told of "
                                    "another stage or thing?); keep it with what the guide "
                                    "says beside it"))
        for s in found.weak:
            problems.append(Problem(f.path, where(s.sentence), f"entry '{entry.id}': the "
                                    f"sentence {s.sentence!r} has too little support in its "
                                    f"section ({s.score:.0%} of its content words are in the "
                                    f"closest passage; {MIN_SUPPORT:.0%} needed; not found: "
                                    f"{', '.join(s.missing)}). Say it in the guide's words, "
                                    "drop it, or list it in source.own_words if it is the "
                                    "assistant's own framing"))
    problems += check_synonyms(kb.root)
    return problems


def check_synonyms(root: Path) -> list[Problem]:
    """Every one-word synonym is listed under [[safe]] with a reason."""
    path = root / "synonyms.toml"
    problems: list[Problem] = []
    f = _File(path, problems)
    if not f.data:
        return problems
    safe: dict[str, str] = {}
    safe_lines = f.blocks("safe")
    groups = f.data.get("safe", [])
    if not isinstance(groups, list):
        problems.append(Problem(path, f.find("safe"), "safe must be [[safe]] tables, each "
                                "with words and a reason"))
        groups = []
    for i, group in enumerate(groups):
        line = safe_lines[i] if i < len(safe_lines) else 1
        reason = group.get("reason") if isinstance(group, dict) else None
        words = group.get("words") if isinstance(group, dict) else None
        if not isinstance(reason, str) or not reason.strip() or not isinstance(words, list) \
                or not all(isinstance(w, str) for w in words):
            problems.append(Problem(path, line, "each [[safe]] needs a reason (text) and "
                                    "words (a list of words)"))
            continue
        safe.update((w, reason) for w in words)
    table = f.data.get("synonyms", {})
    if not isinstance(table, dict):
        return problems
    one_words = set()
    for canonical, said in table.items():
        if not isinstance(said, list):
            continue
        start = f.find(f"{canonical} =")
        for variant in said:
            if not isinstance(variant, str) or len(variant.split()) != 1:
                continue
            one_words.add(variant)
            if variant not in safe:
                problems.append(Problem(path, _line_of_word(f, variant, start),
                                        f"one-word synonym '{variant}' -> '{canonical}' is "
                                        "used everywhere, whatever the context; make it a "
                                        "phrase that cannot mean anything else, or list it "
                                        "under [[safe]] with the reason it is safe"))
    for word in sorted(safe.keys() - one_words):
        problems.append(Problem(path, _line_of_word(f, word, 1), f"'{word}' is listed under "
                                "[[safe]] but is no one-word synonym; remove it from [[safe]]"))
    return problems


def _line_of_word(f: _File, word: str, start: int) -> int:
    quoted = f'"{word}"'
    for n in range(start, len(f.lines) + 1):
        if quoted in f.lines[n - 1]:
            return n
    return start
