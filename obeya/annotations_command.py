"""`python -m obeya annotations export`: the annotations added on the remote, as YAML for the team's git.

The remote writes them to a file in the wall's data folder (the wall never
writes to the database, and the team's config folder is the team's); this
prints them in annotations.yaml's format, to add to `config/annotations.yaml`.
Those already in annotations.yaml are shown once on the trends either way.
"""

from __future__ import annotations

import argparse
import sys

from obeya import settings
from obeya.cache import cache_from_env
from obeya.console import EXIT_OK
from obeya.remote import RemoteNotes, annotations_yaml


def run_export(arguments: argparse.Namespace) -> int:
    path = settings.remote_notes_path()
    cache = cache_from_env() if settings.cache_url() else None  # several servers: the notes added on every one
    notes = RemoteNotes(path, shared=cache).read()
    sys.stdout.write(annotations_yaml(notes))
    print(f"# {len(notes)} annotation{'s' if len(notes) != 1 else ''} added on the remote, from {path}",
          file=sys.stderr)
    return EXIT_OK
