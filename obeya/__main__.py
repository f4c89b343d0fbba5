"""The command line: `python -m obeya validate | demo | import | rollups | schema | serve | preview | snapshot |
themes | annotations`.

    python -m obeya validate [CONFIG_DIR]     check the YAML (and sources.yaml's SQL); exit 0 valid, 1 invalid
    python -m obeya demo                      (re)build the demo database
    python -m obeya import responses FILE.csv  add survey responses; duplicates skipped, all or nothing
    python -m obeya import ftr FILE.csv        add first-time-right results (--help for the options)
    python -m obeya rollups [--check]         re-count (or check) the daily roll-ups in wall.yaml's zone
    python -m obeya schema [CONFIG_DIR]       write the JSON Schemas editors use into CONFIG_DIR/schema/
    python -m obeya serve [--workers N]       serve the wall with gunicorn, for production
    python -m obeya preview DIR [--port N]    serve another config folder on another port, before it goes live
    python -m obeya snapshot --out FILE       a PNG of a panel, or FILE.pdf: every page of every panel
    python -m obeya themes tag FILE.csv       tag survey comments with themes.yaml's themes and causes
    python -m obeya themes check FILE.csv     precision and recall of the themes on hand-labelled comments
    python -m obeya annotations export        the annotations added on the remote, as annotations.yaml
    python -m obeya walls list | token ID | revoke ID | database ID URL   several walls (OBEYA_WALLS_DIR)

Problems are printed one per line as `CONFIG_DIR/file:line:column: problem`,
the directory written as the user gave it, so editors and terminals can jump
to the spot. The config folder is `--config DIR` (validate: CONFIG_DIR), else
$OBEYA_CONFIG_DIR, else the project's `config/` next to the `obeya` package,
whatever the current folder.

This module is the parser; each command's work is its own module
(validate_command, demo_command, import_command, rollups_command, picture_command,
themes_command, annotations_command) and what
they share (exit codes, the config folder, the engine, wording) is console.py.
"""

from __future__ import annotations

import argparse
import sys

from obeya import (annotations_command, demo_command, import_command, picture_command, preview_command,
                   rollups_command, themes_command, validate_command, walls_command)
from obeya.console import EXIT_OK, EXIT_USAGE, CommandStopped, config_folder


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code (argparse errors return 2, never raise)."""
    parser = _parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, usage errors: keep main() callable in-process
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    try:
        own_server = arguments.command == "snapshot" and not arguments.url  # it starts the wall: prepare it
        if (stopped := walls_command.use_wall(arguments, prepare=own_server)) is not None:
            return stopped
        return arguments.run(arguments)
    except CommandStopped as stopped:  # the command said what is wrong
        return stopped.code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m obeya",
        description="Obeya Wall: check the wall's config, build demo data, import survey and ticket data.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate",
        help="check the config YAML files",
        description="Check the config YAML files. Exit 0 when valid, 1 with one line per problem.",
    )
    validate.add_argument(
        "config_dir",
        nargs="?",
        metavar="CONFIG_DIR",
        help="folder with wall.yaml, mission.yaml, ... (default: $OBEYA_CONFIG_DIR, else the project's config/)",
    )
    _wall_option(validate)
    validate.set_defaults(run=validate_command.run)

    demo = commands.add_parser(
        "demo",
        help="(re)build the demo database",
        description="(Re)build the demo database at $OBEYA_DATABASE_URL or the embedded SQLite file.",
    )
    demo.add_argument(
        "--force",
        action="store_true",
        help="replace the data even when $OBEYA_DATABASE_URL points at a database that already holds rows",
    )
    _config_option(demo, "whose wall.yaml timezone the roll-ups count days in")
    demo.set_defaults(run=demo_command.run)

    importer = commands.add_parser(
        "import",
        help="import survey responses or first-time-right results from CSV",
        description=(
            "Import survey responses or first-time-right results from a CSV export into $OBEYA_DATABASE_URL "
            "(or the embedded SQLite file) and re-count the wall's daily roll-ups of their days (in wall.yaml's "
            "timezone), all in one transaction. Rows whose id is already there are skipped (--replace: written "
            "over), so the same file can be imported again. Services are stored as the ids their spellings name "
            "in services.yaml (ids or aliases). One invalid row imports nothing unless --skip-invalid. "
            "Exit 0 when imported, 1 when not, 2 on a usage error."
        ),
    )
    importer.add_argument("kind", choices=("responses", "ftr"), help="what the CSV holds")
    importer.add_argument(
        "csv_file",
        metavar="FILE.csv",
        help="comma, semicolon or tab separated; UTF-8, UTF-16 or Latin-1; common export headers are recognised",
    )
    importer.add_argument(
        "--map",
        action="append",
        default=[],
        type=_column_and_header,
        metavar="COLUMN=HEADER",
        help="read COLUMN (e.g. score) from the column headed HEADER; repeat for more columns",
    )
    importer.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the valid rows and report the others (default: one invalid row imports nothing)",
    )
    importer.add_argument(
        "--replace",
        action="store_true",
        help="write over rows whose id is already there (default: skip them as duplicates)",
    )
    order = importer.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst", dest="dayfirst", action="store_const", const=True,
        help="read dates like 01/03/2025 as 1 March",
    )
    order.add_argument(
        "--monthfirst", dest="dayfirst", action="store_const", const=False,
        help="read dates like 01/03/2025 as 3 January",
    )
    importer.add_argument(
        "--timezone",
        metavar="ZONE",
        help="IANA time zone of timestamps written without one, e.g. Europe/Amsterdam "
             "(default: wall.yaml's timezone, else UTC)",
    )
    _config_option(importer, "for service aliases and the timezone")
    _wall_option(importer)
    importer.set_defaults(run=import_command.run, dayfirst=None)

    rollups = commands.add_parser(
        "rollups",
        help="re-count or check the wall's daily roll-ups",
        description=(
            "Re-count the daily roll-ups (nps_daily, ftr_daily) of $OBEYA_DATABASE_URL from the raw rows, in one "
            "transaction, with progress on stderr. --check only compares them with a direct count of the raw "
            "rows: exit 0 when they match, 1 naming the days and services that differ."
        ),
    )
    recount = rollups.add_mutually_exclusive_group()
    recount.add_argument("--timezone", metavar="ZONE",
                         help="count days in this IANA time zone (default: wall.yaml's timezone)")
    recount.add_argument("--check", action="store_true",
                         help="compare the roll-ups with the raw rows, in the zone the roll-ups say they use")
    _config_option(rollups, "whose wall.yaml timezone to count in")
    rollups.set_defaults(run=rollups_command.run)

    schema = commands.add_parser(
        "schema",
        help="write the config's JSON Schemas for editors",
        description="Write one JSON Schema per config file into CONFIG_DIR/schema/, generated from the models.",
    )
    schema.add_argument("config_dir", nargs="?", metavar="CONFIG_DIR",
                        help="default: $OBEYA_CONFIG_DIR, else the project's config/")
    schema.set_defaults(run=_schema)

    serve = commands.add_parser(
        "serve",
        help="serve the wall with gunicorn (production)",
        description=(
            "Serve the wall with gunicorn on $OBEYA_HOST:$OBEYA_PORT (default 127.0.0.1:8050), never in debug "
            "mode. Workers share the numbers they read through $OBEYA_CACHE_URL (Redis) or a temporary folder."
        ),
    )
    serve.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    serve.add_argument("--threads", type=int, default=None,
                       help="threads per worker (default 16; each open screen's event stream holds one)")
    serve.set_defaults(run=_serve)

    preview = commands.add_parser(
        "preview",
        help="serve a config folder on another port, against the same database, before it goes live",
        description=(
            "Serve the wall for CONFIG_DIR (an edited copy of the config) on another port, against the same "
            "$OBEYA_DATABASE_URL, read-only like the wall: look at it in a browser, then copy the files into the "
            "live config folder. Problems in CONFIG_DIR are printed first and shown on the preview."
        ),
    )
    preview.add_argument("config_dir", metavar="CONFIG_DIR", help="the config folder to preview")
    preview.add_argument("--port", type=int, default=None,
                         help="where to serve it (default: $OBEYA_PORT + 1, i.e. 8051)")
    preview.set_defaults(run=preview_command.run)

    snapshot = commands.add_parser(
        "snapshot",
        help="write a PNG of a panel or a PDF of every page, for people who are not in the room",
        description=(
            "Draw the wall in headless Chromium (/usr/bin/chromium, through Playwright) and write FILE.png (the "
            "first page of --panel, default the first panel) or FILE.pdf (every page of every panel, or of "
            "--panel, one per PDF page). Without --url it starts the wall on a free loopback port from "
            "$OBEYA_CONFIG_DIR and $OBEYA_DATABASE_URL and stops it afterwards. Exit 0 written, 1 when the "
            "wall or Chromium failed, 2 on a usage error."
        ),
    )
    snapshot.add_argument("--out", required=True, metavar="FILE", help="FILE.png or FILE.pdf")
    snapshot.add_argument("--panel", metavar="ID", help="a panel id of wall.yaml (default: every panel / the first)")
    snapshot.add_argument("--size", default="1920x1080", metavar="WxH", help="the screen size (default 1920x1080)")
    snapshot.add_argument("--url", help="photograph a running wall instead (its OBEYA_WALL_TOKEN from the "
                                        "environment), e.g. http://127.0.0.1:8050")
    snapshot.add_argument("--wall", metavar="ID", help="one wall of OBEYA_WALLS_DIR (with --url: the wall at "
                                                       "URL/w/ID, its token from OBEYA_WALL_TOKEN)")
    snapshot.set_defaults(run=picture_command.run)

    themes = commands.add_parser(
        "themes",
        help="tag survey comments with themes.yaml's themes, or check the rules on labelled comments",
        description=(
            "Tag survey comments with the themes in themes.yaml (phrases matched on word stems in wall.yaml's "
            "language) and their causes: process, people or training."
        ),
    )
    themes_commands = themes.add_subparsers(dest="themes_command", required=True, metavar="ACTION")
    tagger = themes_commands.add_parser(
        "tag",
        help="write comment,themes,causes as CSV to standard output",
        description="Read a CSV with a comment column; write comment,themes,causes (;-separated ids and causes, "
                    "empty when none) as CSV to standard output.",
    )
    tagger.add_argument("csv_file", metavar="FILE.csv",
                        help="comma, semicolon or tab separated; UTF-8, UTF-16 or Latin-1; a comment column")
    _config_option(tagger, "whose themes.yaml and wall.yaml language to tag with")
    tagger.set_defaults(run=themes_command.run_tag)
    checker = themes_commands.add_parser(
        "check",
        help="precision and recall per cause on hand-labelled comments",
        description="Read a CSV with comment and causes columns (causes ;-separated, empty when none) and print "
                    "the rules' precision and recall per cause, and how many comments no theme matched.",
    )
    checker.add_argument("csv_file", metavar="LABELLED.csv", help="a CSV with comment and causes columns")
    _config_option(checker, "whose themes.yaml and wall.yaml language to check")
    checker.set_defaults(run=themes_command.run_check)

    annotations = commands.add_parser(
        "annotations",
        help="export the annotations added on the remote",
        description="The annotations added on the facilitator's remote, kept in the wall's data folder "
                    "($OBEYA_DATA_DIR, default data/).",
    )
    annotations_commands = annotations.add_subparsers(dest="annotations_command", required=True, metavar="ACTION")
    exporter = annotations_commands.add_parser(
        "export",
        help="print them as YAML in annotations.yaml's format, for the team's git",
        description="Print the annotations added on the remote as YAML in annotations.yaml's format "
                    "(add them to config/annotations.yaml); a count goes to standard error.",
    )
    _wall_option(exporter)
    exporter.set_defaults(run=annotations_command.run_export)
    walls_command.add_parser(commands)
    return parser


def _config_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--config", metavar="DIR", dest="config_dir",
                        help=f"the wall's config folder, {what} "
                             "(default: $OBEYA_CONFIG_DIR, else the project's config/)")


def _wall_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--wall", metavar="ID",
                        help="one wall of $OBEYA_WALLS_DIR: its config folder, its database, its data folder")


def _column_and_header(text: str) -> tuple[str, str]:
    column, equals, header = text.partition("=")
    if not equals or not column.strip() or not header.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not COLUMN=HEADER (like score=Rating)")
    return column.strip(), header


# --- schema and serve --------------------------------------------------------


def _schema(arguments: argparse.Namespace) -> int:
    from obeya.schema import write_schemas

    directory, _ = config_folder(arguments.config_dir)
    for path in write_schemas(directory):
        print(f"wrote {path}")
    return EXIT_OK


def _serve(arguments: argparse.Namespace) -> int:
    from obeya.server import serve

    return serve(workers=arguments.workers, **({"threads": arguments.threads} if arguments.threads else {}))


if __name__ == "__main__":
    sys.exit(main())
