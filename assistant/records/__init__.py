"""Records: what is kept between sessions on this computer: settings, the
question history, the daily warning-sign checks kept beside it (checkins.py),
its export and the unanswered-question report.

May import: the standard library, platformdirs, rapidfuzz, `assistant.config`
and `assistant.answering` (types, and how recovery.py reads a date). Never
textual, rich, audio, `assistant.voice` or `assistant.ui`.
"""
