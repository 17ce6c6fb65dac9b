"""Load and validate the knowledge base in knowledge/.

Clinic staff edit these TOML files by hand, so every problem is reported with
the file and line and what to do about it, and all problems are reported at
once rather than the first one only.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .banks import NO_SIGN, ORDINARY, OUT_OF_SCOPE, STYLES, Example

_PACKAGE = Path(__file__).resolve().parents[1]
# A checkout reads knowledge/ at its top, the copy that is edited; an installed
# wheel has no such folder and reads the copy shipped inside the package.
DEFAULT_ROOT = (_PACKAGE.parent / "knowledge" if (_PACKAGE.parent / "pyproject.toml").is_file()
                else _PACKAGE / "knowledge")
TIERS = ("emergency", "urgent")
# What a tier's advice may say in braces, filled in when it is shown.
ADVICE_PLACEHOLDERS = ("emergency_number",)
MAX_ANSWER_WORDS = 150
MIN_QUESTIONS = 4
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_TOML_POS = re.compile(r"\(at line (\d+), column \d+\)")


def knowledge_root() -> Path:
    """The knowledge folder: $LAMINECTOMY_KNOWLEDGE, else the project's own."""
    return Path(os.environ.get("LAMINECTOMY_KNOWLEDGE", DEFAULT_ROOT))


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge base cannot be used as it is; `problems` says why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    group: str
    covers: str


@dataclass(frozen=True)
class Source:
    section: str
    quotes: tuple[str, ...]
    also: tuple[str, ...] = ()     # other sections the answer draws on


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    questions: tuple[str, ...]
    answer: str
    source: Source
    related: tuple[str, ...] = ()


@dataclass(frozen=True)
class NumberRule:
    """A number that is itself a sign, like a temperature of 38.9."""

    min: float
    max: float
    decimal: bool = False
    near: str | None = None


@dataclass(frozen=True)
class Sign:
    id: str
    tier: str
    label: str
    rules: tuple[str, ...]
    numbers: tuple[NumberRule, ...] = ()
    examples: tuple[str, ...] = ()
    built_on: str | None = None      # the sign this one adds to (a fever, for fever-stiff-neck)
    raised_from: tuple[str, ...] = ()  # signs this one raises when a sentence of theirs ...
    raise_rules: tuple[str, ...] = ()  # ... also says this ("suddenly", "since lunch")


@dataclass(frozen=True)
class Tier:
    id: str
    title: str
    advice: str
    spoken: str


@dataclass(frozen=True)
class TriageData:
    tiers: dict[str, Tier]
    signs: tuple[Sign, ...]
    words: dict[str, tuple[str, ...]]
    ignore: tuple[str, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    root: Path
    guide_title: str
    guide_text: str
    topics: tuple[Topic, ...]
    entries: tuple[Entry, ...]
    triage: TriageData
    synonyms: dict[str, tuple[str, ...]]
    pronunciations: dict[str, str]
    stopwords: frozenset[str]
    english_words: frozenset[str]
    phrasings: tuple[Example, ...] = ()      # the phrasing bank, out-of-scope included
    sign_bank: tuple[Example, ...] = ()      # sign messages and hard negatives
    _by_id: dict[str, Entry] = field(default_factory=dict, compare=False, repr=False)

    def entry(self, entry_id: str) -> Entry:
        if not self._by_id:
            self._by_id.update((e.id, e) for e in self.entries)
        return self._by_id[entry_id]

    def topic(self, topic_id: str) -> Topic:
        return next(t for t in self.topics if t.id == topic_id)

    def entries_for(self, topic_id: str) -> list[Entry]:
        return [e for e in self.entries if e.topic == topic_id]


def _squash(text: str) -> str:
    return " ".join(text.split())


class _File:
    """One TOML file: its parsed data and a way to point at its lines."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.data: dict[str, Any] = {}
        self.lines: list[str] = []
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            problems.append(Problem(path, 0, "file is missing; restore it from the project"))
            return
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(path, 0, f"cannot be read as UTF-8 text ({exc})"))
            return
        self.lines = text.splitlines()
        try:
            self.data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            found = _TOML_POS.search(str(exc))
            line = int(found.group(1)) if found else 0
            reason = _TOML_POS.sub("", str(exc)).strip()
            problems.append(Problem(path, line, f"not valid TOML: {reason}. Check quotes, "
                                    "commas and brackets on this line or the one before"))

    def get(self, key: str, kind: type, problems: list[Problem], where: str = "") -> Any:
        """`key` of this file if it is of `kind` (dict or list), else an empty one and
        a problem: a hand-edited file may hold a number where a table belongs."""
        value = self.data.get(key, kind())
        if isinstance(value, kind):
            return value
        what = "a table" if kind is dict else "a list"
        problems.append(Problem(self.path, self.find(where or f"{key}"), f"'{key}' must be "
                                f"{what}, not {type(value).__name__}"))
        return kind()

    def blocks(self, header: str) -> list[int]:
        """1-based line numbers of each `[[header]]` table, in file order."""
        pattern = re.compile(rf"^\s*\[\[\s*{re.escape(header)}\s*\]\]")
        return [n for n, line in enumerate(self.lines, 1) if pattern.match(line)]

    def find(self, needle: str, start: int = 1, end: int | None = None) -> int:
        """The first line at or after `start` containing `needle`, else `start`."""
        probe = needle[:40]
        for n in range(start, (end or len(self.lines)) + 1):
            if probe in self.lines[n - 1]:
                return n
        return start


def _guide_sections(text: str, headings: list[str]) -> dict[str, str]:
    """Each main heading's text, up to the next main heading."""
    starts = sorted((text.find("\n" + h + "\n"), h) for h in headings if "\n" + h + "\n" in text)
    spans: dict[str, str] = {}
    for i, (start, heading) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        spans[heading] = _squash(text[start:end])
    return spans


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _load_topics(root: Path, problems: list[Problem]) -> tuple[Topic, ...]:
    f = _File(root / "topics.toml", problems)
    topics = []
    lines = f.blocks("topic")
    for n, raw in enumerate(f.get("topic", list, problems)):
        line = lines[n] if n < len(lines) else 1
        if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str)
                                                for k in ("id", "title", "group")) \
                or not isinstance(raw.get("covers", ""), str):
            problems.append(Problem(f.path, line, f"topic {n + 1} needs text values for "
                                    "id, title and group (and covers, if given)"))
            continue
        topics.append(Topic(raw["id"], raw["title"], raw["group"], raw.get("covers", "")))
    if not topics and f.data:
        problems.append(Problem(f.path, 1, "no [[topic]] tables found"))
    return tuple(topics)


def _load_entries(root: Path, topics: tuple[Topic, ...], sections: dict[str, str],
                  problems: list[Problem]) -> tuple[Entry, ...]:
    topic_ids = {t.id for t in topics}
    entries: list[Entry] = []
    seen: dict[str, Problem] = {}
    pending_related: list[tuple[Problem, str]] = []
    files = sorted((root / "entries").glob("*.toml"))
    if not files:
        problems.append(Problem(root / "entries", 0, "no entry files (*.toml) found"))
    for path in files:
        f = _File(path, problems)
        starts = f.blocks("entry")
        raws = f.get("entry", list, problems, "[[entry]]")
        for i, raw in enumerate(raws):
            start = starts[i] if i < len(starts) else 1
            end = starts[i + 1] - 1 if i + 1 < len(starts) else len(f.lines)
            entry = _entry(raw, f, start, end, topic_ids, sections, problems)
            if entry is None:
                continue
            here = Problem(path, f.find("id", start, end), "")
            if entry.id in seen:
                first = seen[entry.id]
                problems.append(Problem(path, here.line, f"duplicate id '{entry.id}' (also at "
                                        f"{first.path.name}:{first.line}); give each entry "
                                        "its own id"))
                continue
            seen[entry.id] = here
            for rel in entry.related:
                pending_related.append((Problem(path, f.find(rel, start, end), ""), rel))
            entries.append(entry)
    for where, rel in pending_related:
        if rel not in seen:
            problems.append(Problem(where.path, where.line, f"related id '{rel}' is not an "
                                    "entry; fix the id or remove it from related"))
    covered = {e.topic for e in entries}
    for topic in topics:
        if topic.id not in covered:
            problems.append(Problem(root / "topics.toml", 0, f"topic '{topic.id}' has no "
                                    "entry; add an [[entry]] with this topic"))
    return tuple(entries)


def _entry(raw: Any, f: _File, start: int, end: int, topic_ids: set[str],
           sections: dict[str, str], problems: list[Problem]) -> Entry | None:
    def problem(key: str, message: str) -> None:
        problems.append(Problem(f.path, f.find(key, start, end), message))

    if not isinstance(raw, dict):
        problem("[[entry]]", "an entry must be a table")
        return None
    ok = True
    entry_id = raw.get("id")
    if not isinstance(entry_id, str) or not _ID.match(entry_id):
        problem("id", "entry needs an id of lower-case words joined by dashes, like "
                "'driving-after-surgery'")
        ok = False
    topic = raw.get("topic")
    if not isinstance(topic, str) or topic not in topic_ids:
        problem("topic", f"unknown topic {topic!r}; use one of the ids in topics.toml")
        ok = False
    questions = raw.get("questions") or []
    if not _strings(questions) or len(questions) < MIN_QUESTIONS:
        problem("questions", f"questions must be a list of at least {MIN_QUESTIONS} "
                "phrasings, the way people really ask")
        ok = False
    answer = raw.get("answer")
    if not isinstance(answer, str) or not answer.strip():
        problem("answer", "answer must be text")
        ok = False
    elif len(answer.split()) > MAX_ANSWER_WORDS:
        problem("answer", f"answer has {len(answer.split())} words; keep it under "
                f"{MAX_ANSWER_WORDS} so it can be listened to")
        ok = False
    related = raw.get("related", [])
    if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
        problem("related", "related must be a list of entry ids")
        ok = False
    source = raw.get("source")
    if not isinstance(source, dict) or not isinstance(source.get("section"), str) \
            or not _strings(source.get("quotes")) or not source.get("quotes"):
        problem("source", "entry needs [entry.source] with a section and a list of quotes")
        return None
    section = source["section"]
    also = source.get("also", [])
    if not isinstance(also, list) or not all(isinstance(a, str) for a in also):
        problem("also", "also must be a list of other section headings")
        also = []
    for heading in [section, *also]:
        if heading not in sections:
            problem(heading, f"section {heading!r} is not a main heading of the guide; "
                    "use one listed in guide.toml")
            ok = False
    if ok:
        named = " ".join(sections[h] for h in [section, *also])
        for quote in source["quotes"]:
            if _squash(quote) not in named:
                where = "elsewhere in the guide" if _squash(quote) in " ".join(
                    sections.values()) else "nowhere in the guide"
                problem(quote, f"quote not found in section {section!r} or the sections "
                        f"under also (it is {where}); copy it word for word from the guide")
                ok = False
    if not ok:
        return None
    assert isinstance(entry_id, str) and isinstance(topic, str)
    assert isinstance(questions, list) and isinstance(answer, str)
    return Entry(entry_id, topic, tuple(questions), " ".join(answer.split()),
                 Source(section, tuple(source["quotes"]), tuple(also)), tuple(related))


def _load_triage(root: Path, problems: list[Problem]) -> TriageData:
    f = _File(root / "triage.toml", problems)
    tiers: dict[str, Tier] = {}
    raw_tiers = f.get("tiers", dict, problems)
    for tier in TIERS:
        raw = raw_tiers.get(tier)
        line = f.find(f"[tiers.{tier}]")
        if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str)
                                                for k in ("title", "advice", "spoken")):
            if f.data:
                problems.append(Problem(f.path, line, f"[tiers.{tier}] needs title, advice "
                                        "and spoken text"))
            continue
        if _advice_problems(f, tier, raw, line, problems):
            continue
        tiers[tier] = Tier(tier, raw["title"], raw["advice"], raw["spoken"])
    words: dict[str, tuple[str, ...]] = {}
    for name, values in f.get("words", dict, problems, "[words]").items():
        if not _strings(values):
            problems.append(Problem(f.path, f.find(f"{name} ="), f"word group '{name}' must "
                                    "be a list of words or phrases"))
            continue
        words[name] = tuple(values)
    signs: list[Sign] = []
    seen: set[str] = set()
    starts = f.blocks("sign")
    for i, raw in enumerate(f.get("sign", list, problems, "[[sign]]")):
        start = starts[i] if i < len(starts) else 1
        sign = _sign(raw, f, start, words, problems)
        if sign is None:
            continue
        if sign.id in seen:
            problems.append(Problem(f.path, start, f"duplicate sign id '{sign.id}'"))
            continue
        seen.add(sign.id)
        signs.append(sign)
    ignore = f.get("ignore", dict, problems, "[ignore]").get("phrases", [])
    if not _strings(ignore):
        problems.append(Problem(f.path, f.find("[ignore]"), "ignore.phrases must be a list "
                                "of phrases"))
        ignore = []
    if f.data and not signs:
        problems.append(Problem(f.path, 1, "no [[sign]] tables found"))
    known = {sign.id for sign in signs}
    for sign in signs:
        if sign.built_on is not None and sign.built_on not in known - {sign.id}:
            problems.append(Problem(f.path, f.find(f'built_on = "{sign.built_on}"'),
                                    f"sign '{sign.id}': built_on must be the id of "
                                    "another sign"))
        for other in sign.raised_from:
            if other not in known - {sign.id}:
                problems.append(Problem(f.path, f.find(f'"{other}"', f.find("raised_from =")),
                                        f"sign '{sign.id}': raised_from names '{other}', "
                                        "which is no other sign's id"))
    return TriageData(tiers, tuple(signs), words, tuple(ignore))


def _advice_problems(f: _File, tier: str, raw: dict[str, Any], start: int,
                     problems: list[Problem]) -> bool:
    """Whether a tier's texts are empty or name a placeholder we cannot fill:
    a typo there would put "dial {emergency_numbr}" in front of a patient."""
    found = False
    for key in ("title", "advice", "spoken"):
        text = raw[key]
        line = f.find(f"{key} =", start)
        if not text.strip():
            problems.append(Problem(f.path, line, f"[tiers.{tier}] {key} is empty; write "
                                    "what the patient should do"))
            found = True
            continue
        known = ", ".join("{" + name + "}" for name in ADVICE_PLACEHOLDERS)
        for name in _PLACEHOLDER.findall(text):
            if name not in ADVICE_PLACEHOLDERS:
                problems.append(Problem(f.path, f.find("{" + name + "}", start),
                                        f"[tiers.{tier}] {key}: unknown placeholder "
                                        f"{{{name}}}; it can only be {known}"))
                found = True
        left = _PLACEHOLDER.sub("", text)
        if "{" in left or "}" in left:
            problems.append(Problem(f.path, line, f"[tiers.{tier}] {key}: a brace is not "
                                    f"closed; write a placeholder as {known}"))
            found = True
    return found


def _sign(raw: Any, f: _File, start: int, words: dict[str, tuple[str, ...]],
          problems: list[Problem]) -> Sign | None:
    def problem(line: int, message: str) -> None:
        problems.append(Problem(f.path, line, message))

    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) \
            or not isinstance(raw.get("label"), str):
        problem(start, "a sign needs an id and a label")
        return None
    if raw.get("tier") not in TIERS:
        problem(f.find("tier", start), f"sign '{raw['id']}': tier must be one of {TIERS}")
        return None
    rules = raw.get("rules", [])
    if not _strings(rules) or not rules:
        problem(f.find("rules", start), f"sign '{raw['id']}' needs a list of rules")
        return None
    raised_from, raise_rules = raw.get("raised_from", []), raw.get("raise_rules", [])
    if not (_strings(raised_from) or not raised_from) \
            or not (_strings(raise_rules) or not raise_rules) \
            or bool(raised_from) != bool(raise_rules):
        problem(f.find("raised_from =" if raised_from else "raise_rules =", start),
                f"sign '{raw['id']}': raised_from (sign ids) and raise_rules (rules) "
                "go together, each a list")
        return None
    for rule in [*rules, *raise_rules]:
        for group in re.findall(r"@(\w+)", rule):
            if group not in words:
                problem(f.find(rule, start), f"rule {rule!r} uses an unknown word group "
                        f"'@{group}'; define it under [words]")
                return None
    numbers = []
    for n in raw.get("numbers", []) if isinstance(raw.get("numbers", []), list) else [{}]:
        try:
            if not isinstance(n.get("decimal", False), bool) \
                    or not isinstance(n.get("near", ""), str):
                raise TypeError("decimal must be true or false, near a word")
            numbers.append(NumberRule(float(n["min"]), float(n["max"]),
                                      n.get("decimal", False), n.get("near")))
        except (AttributeError, KeyError, TypeError, ValueError):
            problem(f.find("numbers", start), f"sign '{raw['id']}': each number needs "
                    "min and max (and decimal = true or false, near = a word, if given)")
            return None
    examples = raw.get("examples", [])
    if not isinstance(examples, list) or not (_strings(examples) or not examples):
        problem(f.find("examples", start), f"sign '{raw['id']}': examples must be a list "
                "of text lines")
        return None
    built_on = raw.get("built_on")
    if built_on is not None and not isinstance(built_on, str):
        problem(f.find("built_on", start), f"sign '{raw['id']}': built_on must be "
                "the id of another sign")
        return None
    return Sign(raw["id"], raw["tier"], raw["label"], tuple(rules), tuple(numbers),
                tuple(examples), built_on, tuple(raised_from), tuple(raise_rules))


def _load_table(path: Path, table: str, problems: list[Problem]) -> dict[str, Any]:
    f = _File(path, problems)
    data = f.data.get(table, {})
    if f.data and not isinstance(data, dict):
        problems.append(Problem(path, 1, f"expected a [{table}] table"))
        return {}
    return data


def _load_bank(folder: Path, tables: dict[str, dict[str, str]],
               problems: list[Problem]) -> tuple[Example, ...]:
    """Every STYLE.toml in `folder`: for each table named in `tables`, each
    `key = ["...", ...]` becomes examples labelled `tables[table][key]`."""
    found: list[Example] = []
    for path in sorted(folder.glob("*.toml")):
        f = _File(path, problems)
        if not f.data:
            continue
        style = str(f.data.get("style", path.stem))
        if style not in STYLES:
            problems.append(Problem(path, f.find("style"), f"style {style!r} is not one of "
                                    f"{STYLES}"))
        for header, label_of in tables.items():
            table = f.data.get(header)
            start = f.find(f"[{header}]")
            if table is None:
                continue
            if not isinstance(table, dict):
                problems.append(Problem(path, start, f"[{header}] must be a table of lists"))
                continue
            for key, values in table.items():
                where = f.find(f"{key} =", start)
                if key not in label_of:
                    problems.append(Problem(path, where, f"{key!r} is not a known id here"))
                elif not _strings(values):
                    problems.append(Problem(path, where, f"{key} must be a list of text "
                                            "lines, none empty"))
                else:
                    found += [Example(label_of[key], _squash(v), style, path, f.find(v, where))
                              for v in values]
    return tuple(found)


def _word_list(path: Path, problems: list[Problem]) -> frozenset[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(path, exc.object[:exc.start].count(b"\n") + 1,
                                f"cannot be read as UTF-8 text ({exc.reason}); "
                                "save it as UTF-8"))
        return frozenset()
    except OSError:
        return frozenset()
    return frozenset(w for line in text.splitlines() if not line.startswith("#")
                     for w in line.split())


# The phone set of pocketsphinx's English dictionary, which listen.toml must use.
PHONES = frozenset([
    "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY", "F", "G", "HH",
    "IH", "IY", "JH", "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S", "SH", "T", "TH", "UH",
    "UW", "V", "W", "Y", "Z", "ZH"])


def _check_listen(path: Path, problems: list[Problem]) -> None:
    """listen.toml is optional; when there, each word needs phones from PHONES."""
    if not path.exists():
        return
    f = _File(path, problems)
    for word, phones in f.get("pronounce", dict, problems, "[pronounce]").items():
        if not isinstance(phones, str) or not phones.split():
            problems.append(Problem(path, f.find(f"{word} ="), f"the pronunciation of "
                                    f"'{word}' must be text, like \"L AE M AH N\""))
        elif unknown := [p for p in phones.split() if p not in PHONES]:
            problems.append(Problem(path, f.find(f"{word} ="), f"'{word}' uses "
                                    f"{', '.join(repr(p) for p in unknown)}, not in the phone "
                                    "set listed at the top of the file"))


def check_knowledge(root: Path | None = None) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Load everything and collect every problem found on the way."""
    root = root or knowledge_root()
    problems: list[Problem] = []
    guide_file = _File(root / "guide.toml", problems)
    for key in ("file", "title"):
        if not isinstance(guide_file.data.get(key, ""), str):
            problems.append(Problem(guide_file.path, guide_file.find(f"{key} ="), f"'{key}' "
                                    "must be text in quotes"))
            guide_file.data.pop(key)
    guide_path = root / str(guide_file.data.get("file", "source/laminectomy-guide.txt"))
    try:
        guide_text = guide_path.read_text(encoding="utf-8")
    except OSError:
        problems.append(Problem(guide_path, 0, "the patient guide is missing; every answer "
                                "is checked against it"))
        guide_text = ""
    headings = guide_file.get("sections", list, problems)
    if not _strings(headings):
        problems.append(Problem(guide_file.path, guide_file.find("sections"), "sections must "
                                "be a list of the guide's main headings, as text"))
        headings = [h for h in headings if isinstance(h, str) and h.strip()]
    sections = _guide_sections(guide_text, headings)
    for heading in headings:
        if heading not in sections and guide_text:
            problems.append(Problem(guide_file.path, guide_file.find(heading), f"section "
                                    f"{heading!r} is not a line of the guide"))
    topics = _load_topics(root, problems)
    entries = _load_entries(root, topics, sections, problems)
    triage = _load_triage(root, problems)
    synonyms = {}
    syn_path = root / "synonyms.toml"
    for word, variants in _load_table(syn_path, "synonyms", problems).items():
        if _strings(variants):
            synonyms[word] = tuple(variants)
        else:
            problems.append(Problem(syn_path, _File(syn_path, []).find(f"{word} ="),
                                    f"synonyms for '{word}' must be a list of words"))
    say_path = root / "pronunciation.toml"
    say = _load_table(say_path, "say", problems)
    pronunciations = {k: v for k, v in say.items() if isinstance(v, str)}
    for k in say.keys() - pronunciations.keys():
        problems.append(Problem(say_path, _File(say_path, []).find(f"{k} ="),
                                f"pronunciation of '{k}' must be text"))
    entry_ids = {e.id: e.id for e in entries}
    sign_ids = {s.id: s.id for s in triage.signs}
    phrasings = _load_bank(root / "phrasings", {
        "entries": entry_ids, "out_of_scope": {"questions": OUT_OF_SCOPE}}, problems)
    sign_bank = _load_bank(root / "signs", {
        "signs": sign_ids, "negatives": dict.fromkeys([*sign_ids, ORDINARY], NO_SIGN)},
        problems)
    stopwords = _word_list(root / "stopwords.txt", problems)
    english_words = _word_list(root / "english-words.txt", problems) \
        | _word_list(root / "everyday-words.txt", problems)
    _check_listen(root / "listen.toml", problems)
    if problems:
        return None, problems
    kb = KnowledgeBase(root, str(guide_file.data.get("title", "the patient guide")),
                       guide_text, topics, entries, triage, synonyms, pronunciations,
                       stopwords, english_words, phrasings, sign_bank)
    return kb, []


def load_knowledge(root: Path | None = None) -> KnowledgeBase:
    kb, problems = check_knowledge(root)
    if kb is None:
        raise KnowledgeError(problems)
    return kb
