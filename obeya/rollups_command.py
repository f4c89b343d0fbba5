"""`python -m obeya rollups [--check]`: re-count the daily roll-ups in one zone, or check them against
the raw rows.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from obeya.config import Config
from obeya.console import EXIT_INVALID, EXIT_OK, config_and_engine, counted, first_line, usage_error
from obeya.values import TimestampReader

MISMATCHES_LISTED = 20


def run(arguments: argparse.Namespace) -> int:
    from obeya.rollups import check_rollups, refresh_rollups, rollup_timezone
    from obeya.theme_rollups import ThemeRules

    if arguments.timezone is not None:
        try:
            TimestampReader(arguments.timezone)
        except ValueError as error:
            return usage_error(f"argument --timezone: {error}", "rollups")
    config, engine, where = config_and_engine(arguments.config_dir)
    rules = ThemeRules.of(config)
    try:
        if arguments.check:
            with engine.connect() as connection:
                return _print_check(check_rollups(connection, rules), config)
        zone = arguments.timezone or (config.wall.timezone if config else None) or rollup_timezone(engine) or "UTC"
        print(f"Re-counting the daily roll-ups of {where} in {zone} ...")
        refresh_rollups(engine, zone=zone, progress=lambda line: print(line, file=sys.stderr, flush=True), rules=rules)
        with engine.connect() as connection:
            days = _rollup_days(connection)
        print(f"roll-ups re-counted in {zone} ({counted(days, 'day')})")
        return EXIT_OK
    except SQLAlchemyError as error:
        doing = "check" if arguments.check else "re-count"
        print(f"cannot {doing} the roll-ups in {where}: {first_line(error)}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        engine.dispose()


def _print_check(check, config: Config | None) -> int:
    for mismatch in check.mismatches[:MISMATCHES_LISTED]:
        tag = f" {mismatch.tag}" if mismatch.tag else ""
        print(f"{mismatch.table} {mismatch.day:%Y-%m-%d} {mismatch.service}{tag}: "
              f"roll-up {_counts(mismatch.names, mismatch.rollup)}; raw rows {_counts(mismatch.names, mismatch.raw)}")
    if len(check.mismatches) > MISMATCHES_LISTED:
        print(f"… and {counted(len(check.mismatches) - MISMATCHES_LISTED, 'more mismatch', 'more mismatches')}")
    code = EXIT_OK
    if check.mismatches:
        differ = counted(len(check.mismatches), "roll-up row", "roll-up rows")
        verb = "differs" if len(check.mismatches) == 1 else "differ"
        print(f"roll-ups do not match the raw rows: {differ} {verb} (python -m obeya rollups re-counts them)")
        code = EXIT_INVALID
    else:
        print(f"roll-ups match the raw rows ({counted(check.days, 'day')})")
    if config is not None and check.days and check.zone != config.wall.timezone:
        print(f"the roll-ups count days in {check.zone or 'no time zone yet'}, but wall.yaml's timezone is "
              f"{config.wall.timezone} (python -m obeya rollups re-counts them)")
        code = EXIT_INVALID
    if check.days and check.themes_current is False:
        print(THEMES_NOT_COUNTED if check.themes_fingerprint is None else THEMES_OTHER_RULES)
        code = EXIT_INVALID
    return code


THEMES_NOT_COUNTED = "the comment themes are not counted yet (python -m obeya rollups counts them)"
THEMES_OTHER_RULES = ("the comment themes were counted with other rules than themes.yaml's in wall.yaml's language "
                      "(python -m obeya rollups re-counts them)")


def _counts(names: tuple[str, ...], values: tuple[int, ...] | None) -> str:
    if values is None:
        return "none"
    return " ".join(f"{name}={value}" for name, value in zip(names, values))


def _rollup_days(connection) -> int:
    from obeya.database import ftr_daily, nps_daily

    days = select(nps_daily.c.day).union(select(ftr_daily.c.day)).subquery()
    return connection.execute(select(func.count()).select_from(days)).scalar_one()

