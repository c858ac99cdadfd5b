"""Cells a spreadsheet cannot run: CSV injection (formula injection) defences.

Source: OWASP, "CSV Injection". A spreadsheet runs a cell as a formula when it starts with
= + - @ (or a tab or carriage return before one). Which characters split cells depends on
the reader's dialect: a comma, a semicolon (Excel in most of Europe) or a tab. So a formula
start right after any of those, or after a line break, is neutralised too, not only at the
start of the value; and every text cell is quoted by the writer (api.presenters.csv).
"""
from __future__ import annotations

import re

FORMULA_STARTS = "=+-@"
DELIMITERS = ",;\t"
# A formula start at the beginning or after a delimiter or line break, spaces allowed between
# (spreadsheets trim them); a tab or carriage return at the very beginning counts as well.
_FORMULA = re.compile(rf"(^|[{DELIMITERS}\r\n])([ ]*)(?=[{re.escape(FORMULA_STARTS)}])|^(?=[\t\r])")


def spreadsheet_cell(value):
    """The value as a cell no spreadsheet runs: a ' before every formula start (see above).
    None becomes an empty cell; numbers pass unchanged."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    return _FORMULA.sub(lambda m: f"{m.group(1) or ''}{m.group(2) or ''}'", value)
