"""The trained classifier's file: what is loaded answers exactly as what was
trained, whatever the question holds, and a damaged file is trained again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.answering import model as M
from assistant.answering.answer import Assistant

SAMPLES = [
    ("when can i drive again", "driving"),
    ("can i get behind the wheel", "driving"),
    ("how soon can i drive my car", "driving"),
    ("when may i go back to work", "work"),
    ("how long off work after the op", "work"),
    ("can i return to my job", "work"),
    ("is it normal to be sore", "pain"),
    ("my back aches a lot", "pain"),
    ("how bad will the pain be", "pain"),
]
ASKED = [
    "when can i drive", "bakc to wrok soon?", "pain", "", "???",
    "٣ weeks after, can I drive",                      # a digit numpy cannot write as ASCII
    "pneumonoultramicroscopicsilicovolcanoconiosis and my job",   # longer than any feature
    "the weather is nice",
]


@pytest.fixture(scope="module")
def trained() -> M.TextModel:
    return M.train(SAMPLES, c=10.0)


def test_a_loaded_model_gives_the_trained_probabilities(trained: M.TextModel,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    trained.save(path)
    loaded = M.TextModel.load(path)
    assert loaded.labels == ["driving", "pain", "work"]
    for text in ASKED:
        counts = M.features(text)
        assert np.array_equal(loaded.probabilities(counts), trained.probabilities(counts))


def test_features_are_found_as_the_dict_of_names_finds_them(trained: M.TextModel) -> None:
    vocab = {name.decode(): i for i, name in enumerate(trained.names.tolist())}
    assert len(vocab) > 100
    for text in ASKED:
        counts = M.features(text)
        idx, values = trained.vector(counts)
        want_idx, want_values = M.tfidf(counts, vocab, trained.idf)
        assert idx.tolist() == want_idx.tolist()
        assert np.array_equal(values, want_values)
    idx, _ = trained.vector(M.features("drive"))
    assert {trained.names[i].decode() for i in idx} >= {"w:drive", " dr", "ive "}


def test_a_damaged_cache_is_trained_again(tmp_path: Path) -> None:
    first = M.cached(tmp_path, "m", SAMPLES, None)
    (path,) = tmp_path.glob("m-*.npz")
    with np.load(path) as data:
        arrays = dict(data)
    arrays["names"] = arrays["names"][::-1]          # no longer sorted: unusable
    np.savez(path, **arrays)
    again = M.cached(tmp_path, "m", SAMPLES, None)
    assert again.names.tolist() == first.names.tolist()
    assert M.TextModel.load(path).names.tolist() == first.names.tolist()
    path.write_bytes(b"not a model")
    assert M.cached(tmp_path, "m", SAMPLES, None).labels == first.labels


def test_answering_from_the_cache_never_imports_scikit_learn(assistant: Assistant) -> None:
    """The fixture has trained both models into the cache; a new process that
    loads them and answers (a question and a warning sign) must not pay for
    scikit-learn or scipy, in time or memory."""
    code = ("import sys; from assistant.answering.answer import Assistant; a = Assistant(); "
            "a.ask('when can i drive again'); a.ask('I have a fever and my cut is oozing'); "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
