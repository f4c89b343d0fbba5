"""`python -m obeya themes tag | check`: tag survey comments with themes.yaml's themes, or audit the rules.

    themes tag FILE.csv        CSV with a `comment` column -> `comment,themes,causes` on standard output
    themes check LABELLED.csv  CSV with `comment,causes` -> precision and recall per cause

Both read CSV the way the importer does (obeya.csvfile: UTF-8, UTF-16 or
Latin-1; comma, semicolon or tab) and use an optional `factors` column (the
survey reasons a respondent ticked, `;`-separated). Problems go to standard
error as `FILE:line: problem`; exit 0 when done, 1 when the file or the
config cannot be used.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from dataclasses import dataclass

from obeya.config import CAUSES, Theme
from obeya.console import EXIT_INVALID, EXIT_OK, CommandStopped, config_folder, counted, wall_config
from obeya.csvfile import ImportFileError, Records, open_csv
from obeya.themes import causes, tag


@dataclass(frozen=True)
class Comment:
    line: int
    text: str
    factors: tuple[str, ...]
    labelled: tuple[str, ...]  # the causes a person gave it (check only)


def run_tag(arguments: argparse.Namespace) -> int:
    themes, language, comments = _rules_and_comments(arguments, labelled=False)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["comment", "themes", "causes"])
    for comment in comments:
        tagged = tag(comment.text, themes, language, comment.factors)
        out.writerow([comment.text, ";".join(theme.id for theme in tagged), ";".join(causes(tagged))])
    return EXIT_OK


def run_check(arguments: argparse.Namespace) -> int:
    themes, language, comments = _rules_and_comments(arguments, labelled=True)
    if not comments:
        print(f"{arguments.csv_file}: no comments to check", file=sys.stderr)
        return EXIT_INVALID
    tagged = [tag(comment.text, themes, language, comment.factors) for comment in comments]
    found = [set(causes(themes_of_one)) for themes_of_one in tagged]
    print(f"{counted(len(comments), 'comment')} in {arguments.csv_file}, "
          f"tagged with {counted(len(themes), 'theme')} ({language})")
    print(f"{'cause':<10}{'labelled':>9}{'tagged':>8}{'right':>7}{'precision':>11}{'recall':>8}")
    for cause in CAUSES:
        labelled = sum(cause in comment.labelled for comment in comments)
        guessed = sum(cause in causes_of_one for causes_of_one in found)
        right = sum(cause in comment.labelled and cause in causes_of_one
                    for comment, causes_of_one in zip(comments, found))
        print(f"{cause:<10}{labelled:>9}{guessed:>8}{right:>7}{_share(right, guessed):>11}{_share(right, labelled):>8}")
    unclassified = [comment for comment, themes_of_one in zip(comments, tagged) if not themes_of_one]
    missed = sum(bool(comment.labelled) for comment in unclassified)
    print(f"unclassified: {counted(len(unclassified), 'comment')} matched no theme, "
          f"{missed:,} of them labelled with a cause")
    return EXIT_OK


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


def _rules_and_comments(arguments: argparse.Namespace, *, labelled: bool
                        ) -> tuple[tuple[Theme, ...], str, list[Comment]]:
    """(the themes, the wall's language, the file's comments); CommandStopped after saying what is wrong."""
    rules = _rules(arguments.config_dir)
    if rules is None:
        raise CommandStopped(EXIT_INVALID)
    comments = _comments(arguments.csv_file, labelled=labelled)
    if comments is None:
        raise CommandStopped(EXIT_INVALID)
    return (*rules, comments)


def _rules(config_dir: str | None) -> tuple[tuple[Theme, ...], str] | None:
    """(themes.yaml's themes, wall.yaml's language); None after saying why the config cannot be used."""
    config, failed = wall_config(config_dir)
    if failed is not None:
        return None
    directory, _ = config_folder(config_dir)
    if config is None:
        print(f"{directory}: no such folder; name the config folder with --config", file=sys.stderr)
        return None
    if not config.themes:
        print(f"{os.path.join(directory, 'themes.yaml')}: no themes, so no comment is tagged", file=sys.stderr)
    return config.themes, config.wall.language


def _comments(path: str, *, labelled: bool) -> list[Comment] | None:
    """The file's comments, or None after printing its problems (`FILE:line: problem`) to standard error."""
    wanted = ("comment", "causes") if labelled else ("comment",)
    problems: list[tuple[int | None, str]] = []
    comments: list[Comment] = []
    try:
        csv_file = open_csv(path)
        columns = {name.casefold(): index for index, name in reversed(list(enumerate(csv_file.header)))}
        missing = [name for name in wanted if name not in columns]
        if missing:
            names = " and ".join(f"'{name}'" for name in missing)
            header = ", ".join(csv_file.header)
            raise ImportFileError([(csv_file.header_line,
                                    f"no {names} column{'s' if len(missing) > 1 else ''} (the header has: {header})")])
        records = Records(csv_file)
        try:
            for line, fields, problem in records:
                if fields is None:
                    problems.append((line, problem))
                    continue

                def value(name: str) -> str:
                    index = columns.get(name)
                    return fields[index].strip() if index is not None and index < len(fields) else ""

                given = _listed(value("causes"))
                unknown = [cause for cause in given if cause not in CAUSES]
                if labelled and unknown:
                    problems.append((line, f"unknown cause '{unknown[0]}' (process, people or training)"))
                    continue
                comments.append(Comment(line, value("comment"), _listed(value("factors")), given))
        finally:
            records.close()
    except ImportFileError as error:
        problems = error.problems
    for line, problem in problems:
        print(f"{path}:{line}: {problem}" if line else f"{path}: {problem}", file=sys.stderr)
    return None if problems else comments


def _listed(text: str) -> tuple[str, ...]:
    return tuple(item.strip().casefold() for item in text.split(";") if item.strip())
