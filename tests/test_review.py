"""`kb review`: every answer sentence beside the guide, as text and as one
self-contained page that a browser renders, with the guards' flags."""

from __future__ import annotations

import html
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from assistant.answering import review
from assistant.answering.grounding import sentences
from assistant.answering.knowledge import DEFAULT_ROOT, KnowledgeBase, load_knowledge
from assistant.cli import main

VOID = {"meta", "br", "hr", "img", "input", "link"}
PLANTED = "A warm bath every evening speeds healing of the nerves."


class _Tags(HTMLParser):
    """Checks that every tag is closed in order and gathers what matters."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.sections = 0
        self.outside: list[str] = []     # anything that would load from elsewhere
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.sections += tag == "section"
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith("#"):
                self.outside.append(value)
        if tag in ("script", "link", "img", "iframe"):
            self.outside.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture
def planted_kb(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_ROOT, root)
    path = root / "entries" / "05-everyday-activities.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Sitting too long slows recovery,",
                                 f"{PLANTED} Sitting too long slows recovery,", 1),
                    encoding="utf-8")
    return root


def test_the_text_review_shows_every_sentence_beside_the_guide(kb: KnowledgeBase) -> None:
    text = review.as_text(review.build(kb))
    for entry in kb.entries:
        assert f"== {entry.id}:" in text
        for sentence in sentences(entry.answer):
            assert sentence in text, (entry.id, sentence)
    assert "Flags: 0." in text
    assert "[own words] Talk this through with your surgeon." in text


def test_the_page_is_well_formed_self_contained_and_complete(kb: KnowledgeBase) -> None:
    page = review.as_html(review.build(kb))
    parsed = _parse(page)
    assert parsed.errors == [] and parsed.stack == []
    assert parsed.outside == []                  # no script, stylesheet or image to fetch
    assert parsed.sections == len(kb.entries)
    shown = " ".join("".join(parsed.text).split())
    for entry in kb.entries:
        for sentence in sentences(entry.answer):
            assert " ".join(sentence.split()) in shown, (entry.id, sentence)
        for quote in entry.source.quotes:
            assert " ".join(quote.split()) in shown, (entry.id, quote)


def test_a_flagged_sentence_is_shown_not_refused(planted_kb: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """kb check refuses the planted sentence; the review still opens and shows it."""
    assert main(["--kb", str(planted_kb), "kb", "check"]) == 1
    capsys.readouterr()
    found = review.build(load_knowledge(planted_kb))
    assert found.flags == 1
    page = review.as_html(found)
    assert '<tr class="weak">' in page and html.escape(PLANTED.split()[0]) in page
    assert "FLAG sentence with" in review.as_text(found)
    assert PLANTED in review.as_text(found)


def test_kb_review_html_writes_the_page(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "review.html"
    assert main(["kb", "review", "--html", "--out", str(out)]) == 0
    assert "Wrote the review of" in capsys.readouterr().out
    assert _parse(out.read_text(encoding="utf-8")).errors == []


def test_kb_review_to_a_folder_that_is_missing_says_so(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "no-such-folder" / "review.html"
    assert main(["kb", "review", "--html", "--out", str(out)]) == 1
    assert f"Could not write {out}" in capsys.readouterr().err


BROWSER = shutil.which("chromium-headless-shell") or shutil.which("chromium")


@pytest.mark.skipif(BROWSER is None, reason="no headless Chromium here "
                    "(apt-get install chromium-headless-shell)")
def test_a_headless_browser_renders_the_page(tmp_path: Path, kb: KnowledgeBase) -> None:
    page = tmp_path / "review.html"
    shot = tmp_path / "review.png"
    page.write_text(review.as_html(review.build(kb)), encoding="utf-8")
    assert BROWSER is not None
    subprocess.run([BROWSER, "--no-sandbox", "--disable-gpu", "--window-size=1200,1600",
                    f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # A blank page compresses to a few kilobytes; text, tables and marks do not.
    assert len(data) > 50_000


def test_only_the_words_a_sentence_shares_with_the_guide_are_marked(planted_kb: Path) -> None:
    page = review.as_html(review.build(load_knowledge(planted_kb)))
    row = page[page.index('<tr class="weak">'):]
    row = row[:row.index("</tr>")]
    answer_cell = row[:row.index('<td class="guide">')]
    assert "<mark>warm</mark>" not in answer_cell and "<mark>bath</mark>" not in answer_cell
    assert "<mark>nerves</mark>" in answer_cell       # the guide speaks of nerves nearby
