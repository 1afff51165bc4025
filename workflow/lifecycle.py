"""A lifecycle as data: states, transitions, roles, required fields, guards, approvals, clocks.

The ``transitions`` machine, the permission check, the UI's buttons and the
mermaid diagram all read the same table. One ``transitions.Machine(model=None)``
is built per lifecycle at import; rows are never attached to it (``add_model``
costs grow with every model), the engine fires its events on the row directly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from transitions import Machine

# Re-exported: lifecycles declare their steps' fields in the same vocabulary.
from workflow.fields import FieldKind as FieldKind
from workflow.fields import FieldSpec as FieldSpec
from workflow.timelimits import TimeLimitRule

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from workflow.engine import StepContext

# What a lifecycle's owner gives it at build (``Lifecycle.with_hooks``): who may see a row,
# what each step writes besides the state, and a due date fixed from outside (a superior's).
Effect = Callable[["StepContext"], Mapping[str, Any]]


@dataclass(frozen=True)
class Hooks:
    can_see: Callable[[Session, Any, Any], bool]
    effects: Mapping[str, Effect] = field(default_factory=dict)
    fixed_due: Callable[[Any, str], date | None] = lambda obj, clock: None


# A guard looks at the subject and returns None when the step may go ahead, or a
# message (zh-CN) saying why not. Guards never look at submitted data, so the
# buttons shown are exactly the steps that would be accepted.
Guard = Callable[[Any], str | None]


@dataclass(frozen=True)
class ClockOp:
    """Start, stop, pause or resume a named time limit when the transition fires."""

    op: str  # "start" | "stop" | "pause" | "resume"
    clock: str
    when: str | None = None  # name of a predicate on the subject; None = always
    due_field: str | None = None  # a DATE field of the step that sets the due date ("start")
    # A DATE or DATETIME field of the step saying when the limit was met ("stop"): a call
    # made before it was recorded meets the limit on the call's day. Blank: the step's day.
    at_field: str | None = None


@dataclass(frozen=True)
class Notify:
    """Who is told when a transition fires, and in which words.

    The router (``notifications.router``) reads this declaration for every lifecycle and
    refuses to start when it cannot deliver one: a kind is never silently dropped.
    ``to`` names an audience the lifecycle's router knows (e.g. "handler", "reviewers");
    "" tells only the followers. One kind may be declared on several transitions, always
    with the same value.
    """

    kind: str  # the outbox event kind, "<lifecycle>.<event>"
    to: str = ""
    action: str = ""  # what happened, in the recipients' words (template "event")
    template: str = "event"
    followers: str = ""  # what happened, told to the subject's subscribers; "" = not news
    urgent: bool = False  # e-mail and webhook go out at once instead of in working hours


@dataclass(frozen=True)
class Transition:
    trigger: str
    sources: tuple[str, ...]
    dest: str  # "=" stays in the same state (a logged act such as an extension)
    label: str
    roles: frozenset[str]
    fields: tuple[FieldSpec, ...] = ()
    guards: tuple[str, ...] = ()
    approval: bool = False  # a leader's signature; only leaders hold these triggers
    clocks: tuple[ClockOp, ...] = ()
    notify: Notify | None = None  # who is told, when someone must be
    confirm: str | None = None  # a confirmation question for irreversible steps
    style: str = ""  # "primary" | "danger" for the button


@dataclass
class Lifecycle:
    name: str
    states: type[StrEnum]
    labels: Mapping[str, str]
    initial: str
    transitions: tuple[Transition, ...]
    guards: Mapping[str, Guard] = field(default_factory=dict)
    predicates: Mapping[str, Callable[[Any], bool]] = field(default_factory=dict)
    time_limits: Mapping[str, TimeLimitRule] = field(default_factory=dict)
    terminal: frozenset[str] = frozenset()
    # None in the declaration (buttons, diagram, router read it); the engine fires only
    # the copy its owner bound with ``with_hooks``.
    hooks: Hooks | None = None
    machine: Machine = field(init=False, repr=False)
    by_trigger: dict[str, Transition] = field(init=False, repr=False)
    # (trigger, source) -> destination, read once from the machine's own event table.
    steps: dict[tuple[str, str], str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_trigger = {}
        for t in self.transitions:
            if t.trigger in self.by_trigger:
                raise ValueError(f"duplicate trigger {t.trigger}")
            for name in t.guards:
                if name not in self.guards:
                    raise ValueError(f"{t.trigger}: unknown guard {name}")
            for op in t.clocks:
                if op.clock not in self.time_limits:
                    raise ValueError(f"{t.trigger}: unknown clock {op.clock}")
                if op.when is not None and op.when not in self.predicates:
                    raise ValueError(f"{t.trigger}: unknown predicate {op.when}")
                dated = {f.name for f in t.fields if f.kind is FieldKind.DATE}
                if op.due_field is not None and (op.op != "start" or op.due_field not in dated):
                    raise ValueError(f"{t.trigger}: due_field {op.due_field} is no date field")
                moments = dated | {f.name for f in t.fields if f.kind is FieldKind.DATETIME}
                if op.at_field is not None and (op.op != "stop" or op.at_field not in moments):
                    raise ValueError(f"{t.trigger}: at_field {op.at_field} is no date field")
            self.by_trigger[t.trigger] = t
        self._check_notify()
        self.machine = Machine(
            model=None,
            states=[s.value for s in self.states],
            initial=str(self.initial),
            transitions=[
                {"trigger": t.trigger, "source": [str(s) for s in t.sources], "dest": str(t.dest)}
                for t in self.transitions
            ],
            auto_transitions=False,
            send_event=True,
        )
        # The machine has no conditions or callbacks (guards and effects run in the engine,
        # where they can query the database), so where a trigger leads from a state is a
        # fixed fact of its table: read it once instead of dispatching an event per step.
        self.steps = {(trigger, source): dest for source, trigger, dest in self.edges()}

    def with_hooks(self, hooks: Hooks) -> Lifecycle:
        """This lifecycle bound to its owner's hooks: the one the engine can fire."""
        return dataclasses.replace(self, hooks=hooks)

    def _check_notify(self) -> None:
        seen: dict[str, Notify] = {}
        for t in self.transitions:
            if t.notify is None:
                continue
            if not t.notify.kind.startswith(self.name + "."):
                raise ValueError(f"{t.trigger}: notify kind {t.notify.kind} is not {self.name}.*")
            if seen.setdefault(t.notify.kind, t.notify) != t.notify:
                raise ValueError(f"{t.trigger}: notify kind {t.notify.kind} declared twice")

    def notifications(self) -> dict[str, Notify]:
        """Every notify kind this lifecycle declares, with its declaration."""
        return {t.notify.kind: t.notify for t in self.transitions if t.notify is not None}

    def label(self, state: str) -> str:
        return self.labels.get(state, state)

    def triggers_from(self, state: str) -> list[Transition]:
        """Transitions leaving ``state``, in table order (read from the machine)."""
        names = set(self.machine.get_triggers(str(state)))
        return [t for t in self.transitions if t.trigger in names]

    def destination(self, transition: Transition, source: str) -> str:
        return source if transition.dest == "=" else transition.dest

    def edges(self) -> set[tuple[str, str, str]]:
        """(source, trigger, dest) for every edge the machine knows."""
        result = set()
        for name, event in self.machine.events.items():
            for source, transitions in event.transitions.items():
                for tr in transitions:
                    result.add((source, name, tr.dest or source))
        return result

    def mermaid(self) -> str:
        """A mermaid state diagram generated from the machine's own table."""
        lines = ["stateDiagram-v2"]
        for member in self.states:
            lines.append(f"    {member.value} : {self.label(member.value)}")
        lines.append(f"    [*] --> {self.initial}")
        for source, trigger, dest in sorted(self.edges()):
            t = self.by_trigger[trigger]
            mark = "（审批）" if t.approval else ""
            lines.append(f"    {source} --> {dest} : {t.label}{mark}")
        for state in sorted(self.terminal):
            lines.append(f"    {state} --> [*]")
        return "\n".join(lines) + "\n"


# Every lifecycle by name (the router and the diagram read it), filled by the composition
# root (``app_boot.flows``), never by importing the module that declares one.
LIFECYCLES: dict[str, Lifecycle] = {}


def install(lifecycles: Mapping[str, Lifecycle]) -> None:
    """Make ``lifecycles`` the application's (``app_boot.flows.install``)."""
    LIFECYCLES.clear()
    LIFECYCLES.update(lifecycles)
