"""The phrasing bank and the sign bank: how our users ask, by style.

knowledge/phrasings/STYLE.toml holds, for every entry, questions people ask
that the entry answers, and questions the guide does not answer
(`[out_of_scope]`). knowledge/signs/STYLE.toml holds, for every warning sign,
messages that report it, and hard negatives that must not fire (under the
sign whose words they use, or `ordinary` for messages with no sign's words at
all, such as everyday questions in that style). The style is
kept with every line so that generalisation can be measured one whole style
at a time (bench/generalise.py). knowledge.py loads and checks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

OUT_OF_SCOPE = "out-of-scope"     # the matcher's "not in the guide" class
NO_SIGN = "no-sign"               # the sign detector's "nothing to route" class
ORDINARY = "ordinary"             # [negatives] key for messages near no sign
STYLES = ("typed", "spoken", "caregiver", "misspelled", "fragment", "long", "older")
# A second, independent writer's file of a style: STYLE-second-writer.toml. The
# benches train on the first writer's files alone and test on these.
SECOND_WRITER = "-second-writer"
# STYLE-chatter.toml: the everyday sentences written around a question (who is
# writing, family, weather, recovery going as expected), all "no sign". The
# detector learns from them that telling one's news is not telling a sign; the
# benches count their false alarms apart, so the quiet figures stay comparable.
CHATTER = "-chatter"


@dataclass(frozen=True)
class Example:
    """One line of a bank: its label (entry, sign, or one of the two classes
    above), its text, its style, and where it is written."""

    label: str
    text: str
    style: str
    path: Path
    line: int

    @property
    def second_writer(self) -> bool:
        return self.path.stem.endswith(SECOND_WRITER)

    @property
    def chatter(self) -> bool:
        return self.path.stem.endswith(CHATTER)
