"""A contract-3 measurement module for the eval tests: returns fixed figures and writes one PNG."""

from __future__ import annotations

from pathlib import Path
from typing import Any

PNG = b"\x89PNG\r\n\x1a\n"


def run(*, out_dir: Path, quick: bool = False) -> dict[str, Any]:
    """Fixed figures; ``quick`` is echoed so the test sees it was passed."""
    (out_dir / "fake.png").write_bytes(PNG)
    return {
        "name": "fake",
        "title": "Fake replay",
        "summary": {"hit_ratio": 0.75, "quick": quick},
        "table_md": "| metric | value |\n|---|---:|\n| hits | 3 |",
        "plots": [{"file": "fake.png", "caption": "Hit ratio over the replay."}],
        "data": {},
    }
