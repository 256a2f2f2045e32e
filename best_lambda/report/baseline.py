"""Baselines: accept the findings an estate already has, fail only on new ones.

A baseline is a JSON file listing findings by what identifies them — finding ID, template
and resource (construct path in a cloud assembly, logical ID in a template file) — each
with a reason. ``best-lambda audit --write-baseline FILE`` writes one with every open
finding; ``--baseline FILE`` accepts those findings (reported as ``baseline``, with their
reason) and counts only the others. Entries that match nothing any more are reported, so
that a fixed finding can be removed from the file.

Format::

    {"version": 1,
     "findings": [{"rule": "BestLambda-Arm64", "template": "template.yaml",
                   "resource": "Fn", "reason": "x86-only library until 2027"}]}
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from best_lambda.report.model import AuditFinding

__all__ = ["Baseline", "BaselineEntry", "BaselineError"]

VERSION = 1


class BaselineError(ValueError):
    """A baseline file that cannot be used: the path and every problem."""


@dataclass(frozen=True)
class BaselineEntry:
    """One accepted finding."""

    rule: str
    template: str
    resource: str
    reason: str

    @property
    def key(self) -> tuple[str, str, str]:
        """What a finding must match."""
        return (self.rule, self.template, self.resource)


class Baseline:
    """The accepted findings of a baseline file, looked up by finding."""

    def __init__(self, entries: Iterable[BaselineEntry]):
        self.entries = list(entries)
        self._by_key = {e.key: e for e in self.entries}
        self._used: set[tuple[str, str, str]] = set()

    @classmethod
    def load(cls, path: str | Path) -> Baseline:
        """Read a baseline file.

        Raises
        ------
        BaselineError
            Missing, not JSON, or entries without a rule, template, resource or reason.
        """
        path = Path(path)
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BaselineError(f"baseline {path}: no such file") from None
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise BaselineError(f"baseline {path}: cannot read it as JSON: {error}") from None
        if not isinstance(document, dict) or document.get("version") != VERSION:
            raise BaselineError(
                f'baseline {path}: expected a JSON object with "version": {VERSION} and '
                '"findings" (write one with --write-baseline)'
            )
        problems, entries = [], []
        for number, item in enumerate(document.get("findings") or []):
            fields: dict[str, Any] = item if isinstance(item, dict) else {}
            missing = [
                k
                for k in ("rule", "template", "resource", "reason")
                if not isinstance(fields.get(k), str) or not fields[k].strip()
            ]
            if missing:
                problems.append(f"findings[{number}]: missing or empty {', '.join(missing)}")
                continue
            entries.append(
                BaselineEntry(
                    fields["rule"], fields["template"], fields["resource"], fields["reason"]
                )
            )
        if problems:
            raise BaselineError(f"baseline {path}: " + "; ".join(problems))
        return cls(entries)

    def reason(self, finding: AuditFinding) -> str | None:
        """The recorded reason when the baseline accepts ``finding``."""
        key = (finding.finding_id, finding.template, finding.resource_key)
        entry = self._by_key.get(key)
        if entry is None:
            return None
        self._used.add(key)
        return entry.reason

    def stale(self) -> list[BaselineEntry]:
        """Entries no finding matched (after :meth:`reason` was asked for every finding)."""
        return [e for e in self.entries if e.key not in self._used]

    @staticmethod
    def write(
        path: str | Path, findings: Iterable[AuditFinding], previous: Baseline | None = None
    ) -> int:
        """Write a baseline accepting ``findings``; keep reasons ``previous`` recorded.

        Returns the number of entries written.
        """
        today = _dt.date.today().isoformat()
        entries: dict[tuple[str, str, str], dict[str, str]] = {}
        for finding in findings:
            key = (finding.finding_id, finding.template, finding.resource_key)
            old = previous._by_key.get(key) if previous is not None else None
            entries[key] = {
                "rule": key[0],
                "template": key[1],
                "resource": key[2],
                "reason": old.reason if old else f"accepted by --write-baseline on {today}",
            }
        document = {"version": VERSION, "findings": [entries[k] for k in sorted(entries)]}
        Path(path).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        return len(entries)
