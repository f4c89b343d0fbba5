"""Obeya Wall: the domain behind the wall — config, database, queries, metric maths.

No Dash in here; the screen lives in `layouts/`. `python -m obeya` is the
command line (see `obeya/__main__.py`).
"""
