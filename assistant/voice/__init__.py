"""Voice: speaking (pyttsx3 in its own process, played by a killable player)
and listening (the speech recogniser).

May import: the standard library, audio libraries, `assistant.config` and
`assistant.answering` (the knowledge base's words). Never textual, rich,
`assistant.records` or `assistant.ui`.
"""
