"""Generate the documentation that must never drift from the code.

``python -m best_lambda._docs`` rewrites the defaults table in README.md (between the
``defaults`` markers); ``tests/test_docs.py`` fails when the committed files are stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from best_lambda.defaults import all_defaults

__all__ = ["defaults_table", "render_readme"]

_DEFAULTS = re.compile(r"(<!-- defaults:start -->\n).*?(<!-- defaults:end -->)", re.S)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def defaults_table() -> str:
    """The README's defaults table, generated from :mod:`best_lambda.defaults`."""
    lines = ["| construct | keyword argument | default | why |", "|---|---|---|---|"]
    lines += [
        f"| {d.construct} | `{d.prop}` | {_cell(d.value)} | {_cell(d.reason)} |"
        for d in all_defaults()
    ]
    return "\n".join(lines) + "\n"


def render_readme(text: str) -> str:
    """``text`` (README.md) with its generated sections brought up to date."""
    if not _DEFAULTS.search(text):
        raise ValueError("README.md lacks the <!-- defaults:start/end --> markers")
    return _DEFAULTS.sub(lambda m: m.group(1) + defaults_table() + m.group(2), text)


def main(root: Path) -> int:
    """Rewrite the generated files under ``root``; return 0."""
    readme = root / "README.md"
    readme.write_text(render_readme(readme.read_text()))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()))
