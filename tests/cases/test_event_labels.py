"""Every kind of clue event the code writes has a name in the office's words
(``cases.queries.timeline.EVENT_LABELS``), so no timeline or 处置卡 shows a code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from cases.queries.timeline import BASE_STEPS, EVENT_LABELS
from workflow.lifecycle import LIFECYCLES

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "tests", "migrations", "node_modules"}


def _imports_clue_audit(tree: ast.Module) -> bool:
    return any(
        isinstance(n, ast.ImportFrom)
        and n.module == "cases.audit"
        and any(a.name == "record_event" for a in n.names)
        for n in ast.walk(tree)
    )


def _kind(call: ast.Call) -> ast.expr | None:
    if len(call.args) > 3:
        return call.args[3]
    return next((k.value for k in call.keywords if k.arg == "kind"), None)


def _clue_event_kinds() -> dict[str, str]:
    """kind -> where it is written: calls of ``cases.audit.record_event``, and audit-log
    events about a clue (``subject_type="clue"``), which the timeline reads too."""
    found: dict[str, str] = {}
    for path in ROOT.rglob("*.py"):
        if SKIP & set(path.relative_to(ROOT).parts):
            continue
        source = path.read_text(encoding="utf-8")
        if "record_event" not in source:
            continue
        tree = ast.parse(source)
        clue_audit = _imports_clue_audit(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name != "record_event":
                continue
            subject = next((k.value for k in node.keywords if k.arg == "subject_type"), None)
            about_clue = isinstance(subject, ast.Constant) and subject.value == "clue"
            if not (clue_audit or about_clue):
                continue
            kind = _kind(node)
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            assert isinstance(kind, ast.Constant), f"{where}: the kind must be a literal"
            found[str(kind.value)] = where
    return found


def test_every_clue_event_kind_has_a_label():
    kinds = _clue_event_kinds()
    assert len(kinds) >= 15, kinds  # the scan found the writers
    missing = {k: w for k, w in kinds.items() if k not in EVENT_LABELS and k not in BASE_STEPS}
    assert missing == {}


def test_every_step_of_every_lifecycle_has_a_name_not_a_code():
    for name, lifecycle in LIFECYCLES.items():
        for trigger, transition in lifecycle.by_trigger.items():
            label = transition.label
            assert label and not re.search(r"[a-z_]{3,}", label), (name, trigger, label)


def test_labels_are_words():
    for label in [*EVENT_LABELS.values(), *BASE_STEPS.values()]:
        assert label and not re.search(r"[A-Za-z_]", label), label
