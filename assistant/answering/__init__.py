"""Answering: the one path from a question to a reply (triage first, then the
matcher), and the knowledge base it reads.

May import: the standard library, rapidfuzz, numpy, platformdirs,
`assistant.config`, and (lazily, to train a model once) scikit-learn. Never
textual, rich, audio, `assistant.voice`, `assistant.records` or `assistant.ui`:
every front end and the tests use it as it is.
"""
