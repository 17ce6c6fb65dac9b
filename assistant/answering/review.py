"""`kb review`: every answer, sentence by sentence, beside the guide.

For a clinician who reads the whole knowledge base in one sitting before
trusting it: each answer sentence next to the guide passage that supports it
best (the support figure is grounding.py's), the sentences that are the
assistant's own words, the quotes in their guide paragraph, and whatever the
guards flag. As plain text, or as one self-contained HTML page to print.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .grounding import (
    MIN_SUPPORT,
    WINDOW,
    EntryFindings,
    Grounder,
    Support,
    check_synonyms,
    find_all,
    named_sections,
    stem,
)
from .knowledge import KnowledgeBase, Problem

_WORDS = re.compile(r"[A-Za-z][A-Za-z'’]*")


@dataclass(frozen=True)
class Review:
    kb: KnowledgeBase
    findings: list[EntryFindings]
    synonym_problems: list[Problem]
    grounder: Grounder

    @property
    def flags(self) -> int:
        return sum(len(f.weak) + len(f.invented) + len(f.misplaced) + len(f.stray_own_words)
                   + len(f.numbered_own_words) for f in self.findings) \
            + len(self.synonym_problems)


def build(kb: KnowledgeBase) -> Review:
    return Review(kb, find_all(kb), check_synonyms(kb.root), Grounder(kb))


def guide_paragraph(kb: KnowledgeBase, quote: str) -> str:
    """The line of the guide a quote comes from (the quote itself if it spans lines)."""
    squashed = " ".join(quote.split())
    for line in kb.guide_text.splitlines():
        if squashed in " ".join(line.split()):
            return line.strip()
    return squashed


def _flags(found: EntryFindings) -> list[str]:
    out = [f"number not in the guide's section: {q}" for q in found.invented]
    out += [f"sentence with {s.score:.0%} support (under {MIN_SUPPORT:.0%}): {s.sentence}"
            for s in found.weak]
    out += [f"number '{q}' is in the guide, but not beside what this sentence says: {s}"
            for s, q in found.misplaced]
    out += [f"own_words names no sentence of the answer: {s}" for s in found.stray_own_words]
    out += [f"own_words sentence has a number: {s}" for s in found.numbered_own_words]
    return out


def _label(s: Support) -> str:
    return "own words" if s.own_words else f"{s.score:.0%}"


# --- text -------------------------------------------------------------------

def as_text(review: Review) -> str:
    kb = review.kb
    lines = [f"Knowledge base review: {len(kb.entries)} answers from '{kb.guide_title}'.",
             f"Support = share of a sentence's content words found in the closest guide "
             f"passage ({WINDOW} sentences in a row, a list, a table row, or a quote); under "
             f"{MIN_SUPPORT:.0%} is flagged. 'own words' = the assistant's framing, not the "
             f"guide's. Flags: {review.flags}.", ""]
    for p in review.synonym_problems:
        lines.append(f"FLAG {p}")
    for found in review.findings:
        entry = found.entry
        lines += [f"== {entry.id}: {kb.topic(entry.topic).title}",
                  f"   from: {'; '.join(named_sections(entry))}",
                  f"   asked as: {entry.questions[0]}", ""]
        for s in found.support:
            lines.append(f"   [{_label(s):>9}] {s.sentence}")
            if not s.own_words and s.passage:
                lines.append(f"               guide: {s.passage}")
        lines.append("")
        for quote in entry.source.quotes:
            lines.append(f"   quote: \"{quote}\"")
        lines += [f"   FLAG {flag}" for flag in _flags(found)]
        lines.append("")
    return "\n".join(lines)


# --- html -------------------------------------------------------------------

_CSS = """
body { font: 17px/1.5 Georgia, 'Times New Roman', serif; color: #111; background: #fff;
       max-width: 70rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; margin: 0 0 .3rem; }
.entry { border-top: 2px solid #333; padding: 1rem 0 1.2rem; break-inside: avoid; }
.meta { color: #444; font-size: .95rem; margin: 0 0 .6rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .45rem .6rem;
         border-bottom: 1px solid #ccc; }
th { font-size: .9rem; color: #333; background: #f2f2f2; }
td.score { white-space: nowrap; font-weight: bold; width: 6rem; }
td.guide { color: #222; font-size: .95rem; }
tr.weak td { background: #fde8e8; }
tr.own td { background: #eef3fb; }
mark { background: #fff1a8; padding: 0 .1em; }
.quotes { margin: .8rem 0 0; font-size: .95rem; }
.quotes li { margin-bottom: .4rem; }
.flag { color: #8a1010; font-weight: bold; }
.ok { color: #185c18; font-weight: bold; }
.legend { background: #f7f7f7; border: 1px solid #ddd; padding: .6rem 1rem; }
@media print { body { margin: 0; max-width: none; font-size: 12pt; }
               .entry { page-break-inside: avoid; } }
"""


def _mark(text: str, words: set[str], plain: dict[str, str]) -> str:
    """`text` escaped, with the words whose stems are in `words` marked."""
    out, last = [], 0
    for m in _WORDS.finditer(text):
        out.append(html.escape(text[last:m.start()]))
        token = m.group(0)
        lowered = token.lower().replace("’", "'")
        hit = any(stem(w) in words for w in plain.get(lowered, lowered).split())
        out.append(f"<mark>{html.escape(token)}</mark>" if hit else html.escape(token))
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def _entry_html(review: Review, found: EntryFindings) -> str:
    kb, entry, g = review.kb, found.entry, review.grounder
    rows = []
    for s in found.support:
        words = set(g.words(s.sentence)) & set(g.words(s.passage))    # the shared ones
        css = "own" if s.own_words else ("weak" if s in found.weak else "")
        guide = ("<em>The assistant's own words (source.own_words), not the guide's.</em>"
                 if s.own_words else _mark(s.passage, words, g.plain))
        rows.append(f'<tr class="{css}"><td>{_mark(s.sentence, words, g.plain)}</td>'
                    f'<td class="guide">{guide}</td><td class="score">{_label(s)}</td></tr>')
    quotes = "".join(
        f"<li>“{html.escape(q)}”<br><small>In the guide: "
        f"{_quote_in(guide_paragraph(kb, q), q)}</small></li>" for q in entry.source.quotes)
    flags = _flags(found)
    flag_html = ("".join(f'<p class="flag">Flag: {html.escape(f)}</p>' for f in flags)
                 if flags else '<p class="ok">No flags.</p>')
    questions = "; ".join(html.escape(q) for q in entry.questions[:3])
    return (f'<section class="entry" id="{html.escape(entry.id)}">'
            f"<h2>{html.escape(kb.topic(entry.topic).title)} "
            f"<small>({html.escape(entry.id)})</small></h2>"
            f'<p class="meta">From the guide: {html.escape("; ".join(named_sections(entry)))}'
            f"<br>Asked as: {questions}</p>"
            "<table><thead><tr><th>Answer, sentence by sentence</th>"
            "<th>Closest guide passage (shared words marked)</th><th>Support</th></tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>"
            f'<ul class="quotes">{quotes}</ul>{flag_html}</section>')


def _quote_in(paragraph: str, quote: str) -> str:
    squashed = " ".join(quote.split())
    at = paragraph.find(squashed)
    if at < 0:
        return html.escape(paragraph)
    return (html.escape(paragraph[:at]) + f"<mark>{html.escape(squashed)}</mark>"
            + html.escape(paragraph[at + len(squashed):]))


def as_html(review: Review) -> str:
    kb = review.kb
    sentences = sum(len(f.support) for f in review.findings)
    own = sum(1 for f in review.findings for s in f.support if s.own_words)
    synonym_flags = "".join(f'<p class="flag">Flag: {html.escape(str(p))}</p>'
                            for p in review.synonym_problems)
    contents = " · ".join(f'<a href="#{html.escape(f.entry.id)}">{html.escape(f.entry.id)}</a>'
                          for f in review.findings)
    body = "".join(_entry_html(review, f) for f in review.findings)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Knowledge base review: {html.escape(kb.guide_title)}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>Knowledge base review</h1>
<p>{len(kb.entries)} answers, {sentences} sentences, each beside the passage of
<em>{html.escape(kb.guide_title)}</em> that supports it best.
{own} sentences are the assistant's own words. Flags: <strong>{review.flags}</strong>.</p>
<div class="legend"><p><strong>How to read it.</strong> Support is the share of a
sentence's content words (small words left out, endings ignored, the plain words
of <code>knowledge/grounding.toml</code> counted as the guide's) found in the closest
guide passage: {WINDOW} guide sentences in a row, a bulleted list with its lead
line, one row of a table, or one of the entry's quotes. Under {MIN_SUPPORT:.0%} is
flagged (red); blue rows are the assistant's own framing. A high figure means the words are the
guide's, not that the meaning is: please read each row.</p></div>
{synonym_flags}
<nav><p>{contents}</p></nav>
{body}
</body>
</html>
"""
