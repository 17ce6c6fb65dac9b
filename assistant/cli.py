"""Command line: builds a config and hands it to the right front end."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from . import console
from .config import AppConfig, SpeechSettings

# Each command imports what it needs, so that the app's first screen does not
# wait for modules only `ask` or `speak` use.
if TYPE_CHECKING:
    from .answering.answer import Assistant
    from .answering.knowledge import KnowledgeBase


def _parser(commands: bool = True) -> argparse.ArgumentParser:
    """`commands=False` for an empty command line: the app starts sooner without
    building the commands' parsers, which no empty line can name."""
    p = argparse.ArgumentParser(
        prog="laminectomy-assistant",
        description="Answers questions about lumbar laminectomy from one patient guide. "
                    "With no command, starts the app.")
    p.add_argument("--kb", type=Path, help="knowledge folder (default: the project's)")
    p.add_argument("--no-speech", action="store_true", help="do not read answers aloud")
    p.add_argument("--model", dest="recogniser", choices=("whisper", "domain", "general"),
                   default="whisper", help="recogniser for F9: Whisper tiny.en (default) or "
                   "the light pocketsphinx (domain: built from the knowledge base)")
    p.add_argument("--plain", action="store_true",
                   help="a plain prompt-and-answer loop, no screen drawing (for screen "
                        "readers; chosen by itself when input or output is not a terminal)")
    _recovery_options(p)
    if not commands:
        p.set_defaults(command=None)
        return p
    sub = p.add_subparsers(dest="command")

    ask = sub.add_parser("ask", help="answer one question, or one per line from stdin")
    _recovery_options(ask, argparse.SUPPRESS)
    ask.add_argument("question", nargs="*", help="the question (omit to read stdin)")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per line)")
    ask.add_argument("--wav", type=Path, metavar="FILE.wav",
                     help="a spoken question: transcribe it, then answer (adds 'transcript')")
    ask.add_argument("--model", choices=("whisper", "domain", "general"), default="whisper",
                     help="recogniser for --wav: Whisper tiny.en (default), or the light "
                          "pocketsphinx with the knowledge base's model (domain) or its "
                          "general English model")

    speak = sub.add_parser("speak", help="read text aloud, or write it to a WAV file")
    speak.add_argument("text", nargs="*", help="what to say (omit to read stdin)")
    speak.add_argument("--rate", default=SpeechSettings.rate,
                       help=f"words per minute (default {SpeechSettings.rate})")
    speak.add_argument("--voice", help="a voice id from --list-voices")
    speak.add_argument("--volume", default=SpeechSettings.volume,
                       help="0.0 to 1.0 (default 1.0)")
    speak.add_argument("--to", type=Path, metavar="FILE.wav", help="write a WAV, do not play")
    speak.add_argument("--list-voices", action="store_true", help="list the voices and stop")
    speak.add_argument("--show", action="store_true",
                       help="print the sentences as they will be spoken, then stop")

    kb = sub.add_parser("kb", help="check or export the knowledge base")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    kb_sub.add_parser("check", help="validate every knowledge file; exit 1 on problems")
    kb_sub.add_parser("train", help="train the matcher and the sign detector now "
                      "(otherwise the first question after a change waits for it)")
    review = kb_sub.add_parser("review", help="every answer, sentence by sentence, beside "
                               "the guide passages that support it, with the guards' flags")
    review.add_argument("--html", action="store_true", help="a self-contained page to print")
    review.add_argument("--out", type=Path, metavar="FILE", help="write to FILE, not the screen")
    export = kb_sub.add_parser("export", help="print every entry")
    export.add_argument("--json", action="store_true", required=True,
                        help="as JSON (the only format for now)")

    settings = sub.add_parser("settings", help="show or change your settings")
    settings_sub = settings.add_subparsers(dest="settings_command")
    settings_sub.add_parser("show", help="every setting and where the file is (the default)")
    set_ = settings_sub.add_parser("set", help="change one setting, for example: set rate 160")
    set_.add_argument("key")
    set_.add_argument("value")
    settings_sub.add_parser("reset", help="go back to the default settings")
    settings_sub.add_parser("path", help="print where the settings file is")

    history = sub.add_parser("history", help="your past questions: export or clear them")
    history_sub = history.add_subparsers(dest="history_command", required=True)
    export_h = history_sub.add_parser(
        "export", help="a printable page of questions and answers, warning signs first")
    export_h.add_argument("--since", type=_date, metavar="YYYY-MM-DD",
                          help="only questions from this day on")
    export_h.add_argument("--out", type=Path, metavar="FILE",
                          help="write here (.md for Markdown) instead of to the screen")
    export_h.add_argument("--markdown", action="store_true", help="Markdown even on screen")
    clear = history_sub.add_parser("clear", help="delete every saved question")
    clear.add_argument("--yes", action="store_true", help="do not ask to confirm")
    history_sub.add_parser("path", help="print where the history is kept")

    check = sub.add_parser(
        "check", help="the daily warning-sign check: each sign of the guide, yes / no / not "
                      "sure; exit status 3 when a sign was reported, 1 when it did not finish")
    check.add_argument("--plain", action="store_true", default=argparse.SUPPRESS,
                       help="(the check is always line by line)")
    check.add_argument("--no-speech", action="store_true", default=argparse.SUPPRESS,
                       help="do not read the signs aloud")
    _recovery_options(check, argparse.SUPPRESS)

    report = sub.add_parser("report", help="reports for the care team")
    report_sub = report.add_subparsers(dest="report_command", required=True)
    report_sub.add_parser("unanswered", help="questions the assistant could not answer, "
                                             "grouped, most frequent first")
    return p


def _recovery_options(p: argparse.ArgumentParser, default: object = None) -> None:
    # On the commands too, so that `ask --today ...` works; SUPPRESS keeps a value
    # given before the command.
    p.add_argument("--surgery-date", type=_day, metavar="YYYY-MM-DD", default=default,
                   help="the date of the operation (default: the surgery_date setting)")
    p.add_argument("--today", type=_day, metavar="YYYY-MM-DD", default=default,
                   help="count the days as if today were this date (for tests and audits)")


def _day(text: str) -> str:
    from .answering.dates import parse_date

    try:
        return parse_date(text).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _date(text: str) -> datetime:
    try:
        day = datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date; write it as year-month-day, like 2026-11-23") from None
    return max(day, datetime(1971, 1, 1))     # before any question; year 1 has no time zone


def _note(text: str) -> None:
    sys.stderr.write(f"Note: {text}\n")


def _assistant(kb_root: Path | None, args: argparse.Namespace | None = None) -> Assistant:
    from .answering.answer import Assistant
    from .answering.knowledge import KnowledgeError, load_knowledge
    from .records.settings import load_settings

    settings = load_settings()
    for problem in settings.problems:
        _note(problem)
    surgery, today = settings.settings.app_config(**_recovery_overrides(args)).recovery_dates()
    try:
        return Assistant(load_knowledge(kb_root), settings.settings.emergency_number,
                         surgery_date=surgery, today=today)
    except KnowledgeError as exc:
        sys.stderr.write("The knowledge base has problems, so the assistant cannot start:\n")
        sys.stderr.write("".join(f"  {p}\n" for p in exc.problems))
        sys.stderr.write("Run 'laminectomy-assistant kb check' after fixing them.\n")
        raise SystemExit(1) from None


def _recovery_overrides(args: argparse.Namespace | None) -> dict[str, str]:
    """--surgery-date and --today, where given, over the settings file."""
    given = {"surgery_date": getattr(args, "surgery_date", None),
             "today": getattr(args, "today", None)}
    return {k: v for k, v in given.items() if v}


def cmd_ask(args: argparse.Namespace) -> int:
    assistant = _assistant(args.kb, args)
    if args.wav:
        return _ask_spoken(assistant, args)
    if args.question:
        reply = assistant.ask(console.argument_text(args.question))
        print(json.dumps(reply.to_json()) if args.json else reply.as_text())
        return 0
    for line in console.read_lines():
        reply = assistant.ask(line)
        if args.json:
            sys.stdout.write(json.dumps(reply.to_json()) + "\n")
        else:
            sys.stdout.write(reply.as_text() + "\n\n")
        sys.stdout.flush()
    return 0


def _ask_spoken(assistant: Assistant, args: argparse.Namespace) -> int:
    from .voice.listen import ListenError, read_wav
    from .voice.whisper import open_recognizer

    try:
        speech = read_wav(args.wav)
        for note in speech.notes:
            _note(note)
        recognizer = open_recognizer(assistant.kb, args.model, on_notice=_note)
        try:
            heard = recognizer.hear(speech)
        finally:
            getattr(recognizer, "close", lambda: None)()
    except ListenError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    reply = assistant.ask(heard.text, heard.others)
    if args.json:
        print(json.dumps({"transcript": heard.text, "heard_also": list(heard.others),
                          **reply.to_json()}))
    else:
        print(f"Heard: {heard.text or '(no words)'}\n\n{reply.as_text()}")
    return 0


def _pronunciations(kb_root: Path | None) -> dict[str, str]:
    from .answering.knowledge import check_knowledge

    kb, problems = check_knowledge(kb_root)
    if kb is None:
        sys.stderr.write("The knowledge base has problems; speaking without its "
                         "pronunciation list. Run 'laminectomy-assistant kb check'.\n")
        return {}
    return kb.pronunciations


def _speech_options(args: argparse.Namespace) -> SpeechSettings | None:
    """--rate, --volume and --voice checked by the settings' own rules; None after
    saying what is wrong."""
    from .records.settings import BadValue, check_value

    values = {}
    for key in ("rate", "volume", "voice"):
        try:
            if getattr(args, key) is not None:
                values[key] = check_value(key, getattr(args, key))
        except BadValue as exc:
            sys.stderr.write(f"Not spoken: --{key} {exc}.\n")
            return None
    return SpeechSettings(**{**values, "voice": values.get("voice") or None})


def cmd_speak(args: argparse.Namespace) -> int:
    from .voice.speech import NO_DEVICE, NO_ENGINE, NO_PLAYER, Speaker, known_voice
    from .voice.speech_engine import EngineFailed, EngineMissing
    from .voice.speech_text import for_the_ear

    settings = _speech_options(args)
    if settings is None:
        return 2
    if args.to and not args.to.parent.is_dir():
        sys.stderr.write(f"Could not write {args.to}: there is no folder {args.to.parent}.\n")
        return 1
    text = console.argument_text(args.text) if args.text else (
        "" if args.list_voices else console.read_all())
    say = _pronunciations(args.kb)
    if args.show:
        print("\n".join(for_the_ear(text, say)))
        return 0
    notices: list[str] = []

    def notice(message: str) -> None:
        notices.append(message)
        sys.stderr.write(message + "\n")

    speaker = Speaker(settings, say, on_notice=notice)
    try:
        if args.voice and not known_voice(speaker.voices(), args.voice):
            sys.stderr.write(f"Not spoken: there is no voice '{args.voice}' here; "
                             "'laminectomy-assistant speak --list-voices' lists them.\n")
            return 2
        if args.list_voices:
            for v in speaker.voices():
                print(f"{v.id:<28} {v.name}" + (f"  ({', '.join(v.languages)})"
                                                 if v.languages else ""))
            return 0
        if not for_the_ear(text, say):
            sys.stderr.write("There is nothing to say: give some text or pipe it in.\n")
            return 2
        if args.to:
            speaker.save(text, args.to)
            return 0
        speaker.speak(text)
        speaker.wait()
        return 1 if {NO_DEVICE, NO_ENGINE, NO_PLAYER} & set(notices) else 0
    except EngineMissing:
        sys.stderr.write(NO_ENGINE + "\n")
        return 1
    except EngineFailed as exc:
        sys.stderr.write(f"Speech failed: {exc}\n")
        return 1
    except OSError as exc:
        sys.stderr.write(f"Could not write {args.to}: {exc.strerror}\n")
        return 1
    finally:
        speaker.close()


def _kb_problems(problems: Sequence[object]) -> int:
    print(f"{len(problems)} problem(s) in the knowledge base:", file=sys.stderr)
    for p in problems:
        print(f"  {p}", file=sys.stderr)
    return 1


def cmd_kb(args: argparse.Namespace) -> int:
    from .answering.grounding import check_all
    from .answering.knowledge import check_knowledge

    # A review shows the guards' flags, so only the loader's checks may stop it.
    kb, problems = (check_knowledge if args.kb_command == "review" else check_all)(args.kb)
    if kb is None:
        return _kb_problems(problems)
    from .answering.recovery import check_companion

    if more := check_companion(kb)[1]:
        return _kb_problems(more)
    if args.kb_command == "check":
        from .answering.coverage import bank_problems, coverage_notes

        if problems := bank_problems(kb):
            return _kb_problems(problems)
        for note in coverage_notes(kb):
            print(f"Note: {note}")
        questions = sum(len(e.questions) for e in kb.entries)
        print(f"Knowledge base OK: {len(kb.entries)} entries, {questions} questions and "
              f"{len(kb.phrasings)} bank phrasings, {len(kb.topics)} topics, "
              f"{len(kb.triage.signs)} warning signs.")
        return 0
    if args.kb_command == "review":
        return _kb_review(kb, args.html, args.out)
    if args.kb_command == "train":
        return _kb_train(kb)
    entries = [{"id": e.id, "topic": e.topic, "questions": list(e.questions),
                "answer": e.answer,
                "source": {"section": e.source.section, "quotes": list(e.source.quotes)},
                "related": list(e.related)} for e in kb.entries]
    print(json.dumps(entries, indent=2, ensure_ascii=False))
    return 0


def _kb_train(kb: KnowledgeBase) -> int:
    import time

    from .answering.answer import Assistant, model_cache

    start = time.perf_counter()
    Assistant(kb)
    print(f"The trained models are ready in {model_cache()} "
          f"({time.perf_counter() - start:.1f} s).")
    return 0


def _kb_review(kb: KnowledgeBase, as_html: bool, out: Path | None) -> int:
    from .answering import review

    found = review.build(kb)
    text = review.as_html(found) if as_html else review.as_text(found)
    if out is None:
        print(text)
        return 0
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"Could not write {out}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"Wrote the review of {len(kb.entries)} answers ({found.flags} flags) to {out}.")
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    from dataclasses import asdict, replace

    from .records.settings import (
        HELP,
        BadValue,
        Settings,
        check_value,
        load_settings,
        save_settings,
    )

    loaded = load_settings()
    command = args.settings_command or "show"
    if command == "path":
        print(loaded.path)
        return 0
    if command in ("set", "reset"):
        if command == "reset":
            new = Settings()
        else:
            key = args.key.replace("-", "_").lower()
            try:
                value = console.argument_text([args.value])
                new = replace(loaded.settings, **{key: check_value(key, value)})
            except BadValue as exc:
                sys.stderr.write(f"Not changed: '{args.key}' {exc}.\n"
                                 if key in HELP else f"Not changed: {exc}.\n")
                return 2
        try:
            print(save_settings(new).message())
        except OSError as exc:
            sys.stderr.write(f"Not changed: the settings file {loaded.path} could not be "
                             f"written ({exc.strerror or exc}).\n")
            return 1
        loaded = load_settings()
    for problem in loaded.problems:
        _note(problem)
    print(f"Settings file: {loaded.path}" + ("" if loaded.exists else " (not created yet)"))
    for key, value in asdict(loaded.settings).items():
        print(f"  {key:<17} = {value!r:<22} {HELP[key]}")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from .records.history import History, clear_history, history_path

    path = history_path()
    if args.history_command == "path":
        print(path)
        return 0
    if args.history_command == "clear":
        if not args.yes:
            if not sys.stdin.isatty():
                sys.stderr.write("Nothing deleted: add --yes to delete every saved question.\n")
                return 2
            try:
                answer = input(f"Delete every saved question in {path.parent}? Type yes: ")
            except EOFError:
                answer = ""
            if answer.strip().lower() != "yes":
                print("Nothing deleted.")
                return 1
        removed = clear_history(path)
        print(f"Deleted {len(removed)} file(s); no questions are saved now." if removed
              else "There was no saved history.")
        return 0
    from .records.transcript import render_markdown, render_text

    history = History(path, on_notice=_note)
    records = history.records(since=args.since)
    checks = history.checks(since=args.since)
    history.close()
    markdown = args.markdown or (args.out is not None and args.out.suffix.lower() == ".md")
    page = (render_markdown if markdown else render_text)(records, since=args.since,
                                                          checks=checks)
    if args.out is None:
        sys.stdout.write(page)
        return 0
    try:
        args.out.write_text(page, encoding="utf-8")
    except OSError as exc:
        sys.stderr.write(f"Could not write {args.out}: {exc.strerror}\n")
        return 1
    print(f"Wrote {len(records)} question(s) and {len(checks)} check(s) to {args.out}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .records.history import History
    from .records.report import group_unanswered, render_report

    history = History(on_notice=_note)
    sys.stdout.write(render_report(group_unanswered(history.records())))
    history.close()
    return 0


def app_config(args: argparse.Namespace) -> AppConfig:
    """The settings file, then what the command line says on top of it."""
    from .records.settings import load_settings

    loaded = load_settings()
    return loaded.settings.app_config(kb_root=args.kb, speech_enabled=not args.no_speech,
                                      notices=loaded.problems, first_run=not loaded.exists,
                                      recogniser=args.recogniser, **_recovery_overrides(args))


def _in_a_terminal() -> bool:
    try:
        return bool(sys.stdin and sys.stdin.isatty() and sys.stdout and sys.stdout.isatty())
    except (OSError, ValueError):
        return False


def run_plain_mode(args: argparse.Namespace) -> int:
    from .answering.knowledge import KnowledgeError
    from .plain import run_plain

    try:
        return run_plain(app_config(args))
    except KnowledgeError:
        _assistant(args.kb)          # says what is wrong with the knowledge base, exits 1
        return 1


def run_app(args: argparse.Namespace) -> int:
    from .ui.app import make_app  # Textual is imported only when the app runs

    make_app(app_config(args)).run()
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """The daily warning-sign check, line by line; the exit status says what was found."""
    from .answering.knowledge import KnowledgeError
    from .plain import run_plain

    try:
        return run_plain(app_config(args), check_only=True)
    except KnowledgeError:
        _assistant(args.kb)          # says what is wrong with the knowledge base, exits 1
        return 1


COMMANDS = {"ask": cmd_ask, "kb": cmd_kb, "speak": cmd_speak, "settings": cmd_settings,
            "history": cmd_history, "report": cmd_report, "check": cmd_check}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parser(commands=bool(argv)).parse_args(argv)
    command = COMMANDS.get(args.command)
    if command is None:
        command = run_plain_mode if args.plain or not _in_a_terminal() else run_app
    try:
        if command is run_app:          # Textual owns the terminal
            return run_app(args)
        return console.run(lambda: command(args))
    except KeyboardInterrupt:
        return 130
