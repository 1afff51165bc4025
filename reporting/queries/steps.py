"""The submission page's 流程 line, read from the lifecycle's own declaration.

The way forward is the chain of ``primary`` steps from the initial state (草稿 → 报送 →
审核接收); a submission that left it (退回修改) is shown on its own way back to it. Names
are the declaration's state and step labels, so the line follows the table when it changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflow.lifecycle import Lifecycle


@dataclass(frozen=True)
class Step:
    state: str
    label: str  # the state's name, e.g. 已报送
    via: str  # the step that leads here, e.g. 报送 ("" for the first)
    status: str  # done | current | todo


def _forward(lc: Lifecycle, state: str, seen: set[str]) -> list[tuple[str, str]]:
    """(state, via) following primary steps from ``state`` until none is left."""
    path: list[tuple[str, str]] = []
    while True:
        step = next(
            (
                t
                for t in lc.transitions
                if t.style == "primary"
                and state in {str(s) for s in t.sources}
                and str(t.dest) not in seen | {"="}
            ),
            None,
        )
        if step is None:
            return path
        state = str(step.dest)
        seen.add(state)
        path.append((state, step.label))


def _path_to(lc: Lifecycle, current: str, depth: int = 0) -> list[tuple[str, str]]:
    start = str(lc.initial)
    main = [(start, ""), *_forward(lc, start, {start})]
    if current in {s for s, _ in main} or depth > 3:
        return main
    # Off the way forward: the way to the step that led to ``current``, then on from there.
    for t in lc.transitions:
        if str(t.dest) != current:
            continue
        for source in (str(s) for s in t.sources):
            before = _path_to(lc, source, depth + 1)
            states = [s for s, _ in before]
            if source in states and current not in states[: states.index(source) + 1]:
                head = before[: states.index(source) + 1] + [(current, t.label)]
                return head + _forward(lc, current, {s for s, _ in head})
    return main


def lifecycle_steps(lc: Lifecycle, current: str) -> list[Step]:
    path = _path_to(lc, str(current))
    states = [s for s, _ in path]
    here = states.index(str(current)) if str(current) in states else -1
    return [
        Step(
            state,
            lc.labels.get(state, state),
            via,
            "done" if i < here else ("current" if i == here else "todo"),
        )
        for i, (state, via) in enumerate(path)
    ]
