"""The knowledge base loads, is grounded in the guide, and bad edits are
reported with the file and line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.answering.banks import NO_SIGN
from assistant.answering.knowledge import (
    DEFAULT_ROOT,
    MAX_ANSWER_WORDS,
    KnowledgeBase,
    check_knowledge,
    load_knowledge,
)
from assistant.cli import main

from .conftest import line_of
from .held_out import near_copies

ENTRY_FILE = "entries/05-everyday-activities.toml"


def test_knowledge_base_is_valid(kb: KnowledgeBase) -> None:
    _, problems = check_knowledge()
    assert problems == []
    assert len(kb.entries) >= len(kb.topics) == 44


def test_every_quote_is_in_the_guide(kb: KnowledgeBase) -> None:
    guide = " ".join(kb.guide_text.split())
    for entry in kb.entries:
        for quote in entry.source.quotes:
            assert " ".join(quote.split()) in guide, (entry.id, quote)


def test_entries_are_written_for_listening(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        assert 30 <= len(entry.answer.split()) <= 120, entry.id
        assert len(entry.questions) >= 6, entry.id


def test_guide_is_kept_inside_the_project() -> None:
    assert (DEFAULT_ROOT / "source" / "laminectomy-guide.txt").stat().st_size > 10_000






def _break(root: Path, old: str, new: str) -> Path:
    path = root / ENTRY_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _check_says(root: Path, capsys: pytest.CaptureFixture[str], path: Path, line: int,
                words: str) -> None:
    assert main(["--kb", str(root), "kb", "check"]) == 1
    err = capsys.readouterr().err
    assert f"{path}:{line}:" in err, err
    assert re.search(words, err), err


def test_bad_toml_names_file_and_line(kb_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _break(kb_copy, 'id = "sitting"', 'id = "sitting')
    _check_says(kb_copy, capsys, path, line_of(path, 'id = "sitting'), "not valid TOML")


def test_unknown_topic_names_file_and_line(kb_copy: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = _break(kb_copy, 'topic = "sitting"', 'topic = "sofas"')
    _check_says(kb_copy, capsys, path, line_of(path, 'topic = "sofas"'), "unknown topic 'sofas'")


def test_quote_not_in_guide_names_file_and_line(kb_copy: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = _break(kb_copy, '"Log rolling reduces twisting when getting in and out of bed"',
                  '"Log rolling cures everything"')
    _check_says(kb_copy, capsys, path, line_of(path, "Log rolling cures everything"),
                "quote not found")


def test_duplicate_id_names_file_and_line(kb_copy: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = _break(kb_copy, 'id = "walking"', 'id = "sitting"')
    second = [n for n, line in enumerate(path.read_text().splitlines(), 1)
              if line == 'id = "sitting"'][1]
    _check_says(kb_copy, capsys, path, second, "duplicate id 'sitting'")


def test_unknown_related_id_is_reported(kb_copy: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = _break(kb_copy, 'related = ["what-helps-recovery", "walking", "bed-and-transfers"]',
                  'related = ["what-helps-recovery", "nowhere", "bed-and-transfers"]')
    _check_says(kb_copy, capsys, path, line_of(path, '"nowhere"'), "related id 'nowhere'")


def test_missing_topic_coverage_is_reported(kb_copy: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    (kb_copy / "entries" / "02-the-operation.toml").unlink()
    assert main(["--kb", str(kb_copy), "kb", "check"]) == 1
    assert "topic 'procedure' has no entry" in capsys.readouterr().err


def test_triage_rule_with_unknown_group_is_reported(kb_copy: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = kb_copy / "triage.toml"
    path.write_text(path.read_text().replace('"@incision & @drainage"', '"@incision & @goo"'))
    _check_says(kb_copy, capsys, path, line_of(path, "@goo"), "unknown word group '@goo'")


def test_built_on_must_name_another_sign(kb_copy: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = kb_copy / "triage.toml"
    path.write_text(path.read_text().replace('built_on = "fever"', 'built_on = "fevr"'))
    _check_says(kb_copy, capsys, path, line_of(path, 'built_on = "fevr"'),
                "built_on must be the id of another sign")


def test_raised_from_must_name_other_signs(kb_copy: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = kb_copy / "triage.toml"
    path.write_text(path.read_text().replace('"leg-weakness", "spreading-numbness"]',
                                             '"leg-weakness", "spreading-numbnes"]'))
    _check_says(kb_copy, capsys, path, line_of(path, "raised_from ="),
                "raised_from names 'spreading-numbnes'")


def test_raised_from_needs_its_raise_rules(kb_copy: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = kb_copy / "triage.toml"
    path.write_text(path.read_text().replace('raise_rules = ["@sudden", "@within_hours", '
                                             '"@same_day", "@other_side_too"]', ""))
    _check_says(kb_copy, capsys, path, line_of(path, "raised_from ="),
                "raise_rules .rules. go together, each a list")


def test_export_json_lists_every_topic(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "export", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert len({e["topic"] for e in entries}) == 44
    for e in entries:
        assert set(e) >= {"id", "topic", "questions", "answer", "source"}
        assert len(e["answer"].split()) <= MAX_ANSWER_WORDS


def test_ask_refuses_a_broken_knowledge_base_clearly(kb_copy: Path) -> None:
    _break(kb_copy, 'topic = "sitting"', 'topic = "sofas"')
    proc = subprocess.run([sys.executable, "-m", "assistant", "--kb", str(kb_copy), "ask",
                           "hello"], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "unknown topic 'sofas'" in proc.stderr


@pytest.mark.parametrize("old, new, words", [
    ("sleep = [", "sleeping = [", "'sleeping' is not a known id here"),
    ("sleep = [", "sleep = 5\nunused = [", "sleep must be a list of text lines"),
])
def test_a_broken_bank_names_file_and_line(kb_copy: Path, capsys: pytest.CaptureFixture[str],
                                           old: str, new: str, words: str) -> None:
    path = kb_copy / "phrasings" / "typed.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    _check_says(kb_copy, capsys, path, line_of(path, new.split("\n")[0]), words)


def test_ordinary_is_a_quiet_message_and_no_sign(kb_copy: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = kb_copy / "signs" / "typed.toml"
    text = path.read_text(encoding="utf-8")
    quiet = "When can I get my hair cut at the salon?"
    text = text.replace("[negatives]", f"[negatives]\nordinary = [{json.dumps(quiet)}]", 1)
    path.write_text(text, encoding="utf-8")
    loaded = load_knowledge(kb_copy)
    assert [ex.label for ex in loaded.sign_bank if ex.text == quiet] == [NO_SIGN]
    # Under [signs] it would be a sign of its own: refused.
    path.write_text(text.replace("[signs]", f"[signs]\nordinary = [{json.dumps(quiet)}]", 1),
                    encoding="utf-8")
    _check_says(kb_copy, capsys, path, line_of(path, "ordinary = ["),
                "'ordinary' is not a known id here")


def _add_to_bank(root: Path, table_line: str, line: str) -> Path:
    """Put `line` first in the list that starts at `table_line` of the typed bank."""
    path = root / "phrasings" / "typed.toml"
    text = path.read_text(encoding="utf-8")
    assert table_line in text
    path.write_text(text.replace(table_line, f"{table_line}\n    {json.dumps(line)},", 1),
                    encoding="utf-8")
    return path


def test_kb_check_rejects_a_near_copy_within_an_entry(kb: KnowledgeBase, kb_copy: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    first = next(x.text for x in kb.phrasings if x.label == "sitting")
    copy = first.rstrip("?.!").upper() + " ??"
    path = _add_to_bank(kb_copy, "sitting = [", copy)
    _check_says(kb_copy, capsys, path, line_of(path, json.dumps(copy)), "is a near-copy of")


def test_kb_check_rejects_an_answerable_out_of_scope_line(kb: KnowledgeBase, kb_copy: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    answered = kb.entry("driving").questions[0]
    path = _add_to_bank(kb_copy, "questions = [", answered)
    _check_says(kb_copy, capsys, path, line_of(path, json.dumps(answered)),
                "is out of scope, but an entry answers")


def test_kb_check_notes_thin_entries_without_failing(kb_copy: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    for path in (kb_copy / "phrasings").glob("*.toml"):
        if path.stem != "typed":
            path.unlink()
    assert main(["--kb", str(kb_copy), "kb", "check"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"Note: sitting: \d+ ways to ask it \(25 wanted\); no spoken, "
                     r"caregiver, misspelled, fragment, long, older phrasings", out), out
    assert "Knowledge base OK" in out


def test_no_bank_line_copies_the_held_out_file(kb: KnowledgeBase) -> None:
    """The held-out files measure what the banks never saw: none of their lines
    may be a near-copy (rapidfuzz ratio 90) of one of theirs."""
    assert [ex.text for ex, _ in near_copies(kb)] == []
