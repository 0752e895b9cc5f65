"""docs/operations.md lists every setting of shared/settings.py with its real default."""

import json
import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from shared.settings import Settings

OPERATIONS = Path(__file__).resolve().parents[1] / "docs" / "operations.md"
ROW = re.compile(r"^\| `(HELPDESK_\w+)` \| ([^|]*) \|")


def documented_defaults() -> dict[str, str]:
    """The configuration table's default column, by variable."""
    rows = (ROW.match(line) for line in OPERATIONS.read_text().splitlines())
    return {row[1]: row[2].strip() for row in rows if row}


def shown(default: object) -> str | None:
    """How the table writes a default; None where it describes it in words instead."""
    if default is None:
        return "unset"
    if isinstance(default, bool):
        return "`on`" if default else "`off`"
    if isinstance(default, str | int | float):
        return f"`{default}`"
    if isinstance(default, dict) or (
        isinstance(default, list) and not any(isinstance(item, BaseModel) for item in default)
    ):
        return f"`{json.dumps(default)}`"
    return None


@pytest.mark.parametrize("field", list(Settings.model_fields))
def test_every_setting_is_documented_with_its_default(field: str) -> None:
    variable = f"HELPDESK_{field.upper()}"
    documented = documented_defaults()

    assert variable in documented, f"{variable} has no row in docs/operations.md"
    expected = shown(Settings.model_fields[field].get_default(call_default_factory=True))
    if expected is not None:
        assert documented[variable] == expected
