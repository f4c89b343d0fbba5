"""`python -m obeya walls list | token ID | revoke ID | database ID URL`: the walls of `OBEYA_WALLS_DIR`
and each wall's private file (obeya/walls.py), and `--wall ID` for the commands that work on one wall.

A new token is printed once: only its hash is kept. A running server re-reads
the file when it changes, so `token` and `revoke` count within seconds,
without a restart; `database` counts from the next start.
"""

from __future__ import annotations

import argparse
import os
import sys

from obeya import settings
from obeya.console import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from obeya.walls import (TOKEN_KINDS, WallSecrets, WallsError, database_url_for, embedded_database_url, find_wall,
                         prepare_wall, wall_data_dir, walls_from_env)


def _wall_or_message(wall_id: str):
    try:
        return find_wall(wall_id)
    except WallsError as error:
        print(f"python -m obeya walls: {error}", file=sys.stderr)
        return None


def run_list(arguments: argparse.Namespace) -> int:
    try:
        walls = walls_from_env()
    except WallsError as error:
        print(f"python -m obeya walls: {error}", file=sys.stderr)
        return EXIT_INVALID
    for wall in walls.walls:
        secrets = WallSecrets(wall.id)
        values = secrets.values()
        tokens = " ".join(f"{kind}={'yes' if kind in values.tokens else 'no'}" for kind in TOKEN_KINDS)
        url = database_url_for(wall.id, secrets)
        database = ("own database" if values.database_url else
                    "embedded SQLite" if url == embedded_database_url(wall.id) else "OBEYA_DATABASE_URL")
        open_note = "" if "wall" in values.tokens else "  (open: no wall token)"
        print(f"{wall.id}\t/w/{wall.id}/\t{tokens}\t{database}{open_note}")
        if values.problem:
            print(f"{wall.id}: {values.problem}", file=sys.stderr)
    for refused in walls.refused:
        print(f"{refused.name}: not a wall ({refused.reason})", file=sys.stderr)
    if not walls.walls:
        print(f"no walls in {settings.walls_dir()}: one config folder with a wall.yaml per wall", file=sys.stderr)
    return EXIT_OK


def run_token(arguments: argparse.Namespace) -> int:
    wall = _wall_or_message(arguments.wall_id)
    if wall is None:
        return EXIT_INVALID
    token = WallSecrets(wall.id).new_token(arguments.kind)
    where = {"wall": f"/w/{wall.id}/?token={token}", "remote": f"/w/{wall.id}/remote?token={token}",
             "ingest": f"Authorization: Bearer {token}  (POST /w/{wall.id}/api/v1/responses or /ftr)"}
    print(token)
    print(f"the {arguments.kind} token of {wall.id}, shown only now (the server keeps its hash); any earlier one "
          f"stops working. Use it as {where[arguments.kind]}", file=sys.stderr)
    return EXIT_OK


def run_revoke(arguments: argparse.Namespace) -> int:
    wall = _wall_or_message(arguments.wall_id)
    if wall is None:
        return EXIT_INVALID
    had = WallSecrets(wall.id).revoke(arguments.kind)
    consequence = {"wall": "no screen opens the wall until a new token is made (python -m obeya walls token "
                           f"{wall.id})",
                   "remote": "the wall has no remote", "ingest": "the wall's ingest API is gone"}[arguments.kind]
    print(f"{wall.id}: {'revoked the ' + arguments.kind + ' token' if had else 'had no ' + arguments.kind + ' token'}"
          f"; {consequence}")
    return EXIT_OK


def run_database(arguments: argparse.Namespace) -> int:
    from obeya.engine import DatabaseUrlError, normalised_url

    wall = _wall_or_message(arguments.wall_id)
    if wall is None:
        return EXIT_INVALID
    url = arguments.url
    if url in ("", "-"):
        url = None
    if url is None and arguments.writer:
        print("python -m obeya walls database: --writer goes with the wall's own URL, not '-'", file=sys.stderr)
        return EXIT_USAGE
    for given in (url, arguments.writer):
        try:
            if given is not None:
                normalised_url(given)
        except DatabaseUrlError as error:
            print(f"python -m obeya walls database: {error}", file=sys.stderr)
            return EXIT_USAGE
    WallSecrets(wall.id).set_database(url, arguments.writer)
    source = ("its own database" if url else
              "OBEYA_DATABASE_URL" if settings.named_database_url() else "its own embedded SQLite file")
    writes = " and writes posted rows through its writer" if arguments.writer else ""
    print(f"{wall.id}: reads {source}{writes} from the server's next start")
    return EXIT_OK


def use_wall(arguments: argparse.Namespace, prepare: bool = False) -> int | None:
    """For `--wall ID`: this process works on that wall (its config folder, database and data folder);
    None when it may go on, else the exit code after saying why not."""
    wall_id = getattr(arguments, "wall", None)
    if wall_id is None:
        return None
    if getattr(arguments, "config_dir", None):
        print(f"python -m obeya {arguments.command}: --wall names the wall's config folder: leave out the other "
              "folder", file=sys.stderr)
        return EXIT_USAGE
    try:
        wall = find_wall(wall_id)
    except WallsError as error:
        print(f"python -m obeya {arguments.command}: --wall {wall_id[:60]}: {error}", file=sys.stderr)
        return EXIT_INVALID
    url = prepare_wall(wall) if prepare else database_url_for(wall.id)
    os.environ.update(OBEYA_CONFIG_DIR=str(wall.config_dir), OBEYA_DATABASE_URL=url,
                      OBEYA_DATA_DIR=str(wall_data_dir(wall.id)))
    os.environ.pop("OBEYA_WALLS_DIR", None)  # a server this command starts serves that one wall
    return None


def add_parser(commands) -> None:
    walls = commands.add_parser(
        "walls",
        help="the walls of OBEYA_WALLS_DIR: list them, make or revoke their tokens, set their database",
        description="The walls of $OBEYA_WALLS_DIR and each wall's private file under "
                    "$OBEYA_DATA_DIR/walls/ID/ (hashes of its tokens, optionally its database URL; mode 0600). "
                    "A running server notices a new or revoked token within seconds.",
    )
    actions = walls.add_subparsers(dest="walls_command", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="every wall: its address, which tokens it has, its database")
    listing.set_defaults(run=run_list)
    for name, run, text in (("token", run_token, "make a new token (printed once; the old one stops working)"),
                            ("revoke", run_revoke, "revoke a token: it stops working within seconds")):
        action = actions.add_parser(name, help=text, description=text)
        action.add_argument("wall_id", metavar="ID", help="the wall's id (its folder's name)")
        action.add_argument("--kind", choices=TOKEN_KINDS, default="wall",
                            help="wall (its screens, default), remote (the facilitator's phone) or ingest (the API)")
        action.set_defaults(run=run)
    database = actions.add_parser("database", help="the wall's own database URL ('-' for none: the shared one)",
                                  description="Set the wall's own database URL (kept in its private file, not "
                                              "in git); '-' removes it. Counts from the server's next start.")
    database.add_argument("wall_id", metavar="ID")
    database.add_argument("url", metavar="URL")
    database.add_argument("--writer", metavar="WRITER_URL",
                          help="the URL the wall's ingest API writes with, when URL's user only reads")
    database.set_defaults(run=run_database)
