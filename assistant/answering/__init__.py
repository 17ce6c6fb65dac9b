"""Answering: the one path from a question to a reply (triage first, then the
matcher), the knowledge base it reads, where the patient is in recovery
(recovery.py: the day and the guide's stage, for stage-aware answers) and the
daily warning-sign check (checkup.py).

May import: the standard library, rapidfuzz, numpy, platformdirs,
`assistant.config`, and (lazily, to train a model once) scikit-learn. Never
textual, rich, audio, `assistant.voice`, `assistant.records` or `assistant.ui`:
every front end and the tests use it as it is.
"""
