"""Queue many messages with a fixed number of statements (sweeps over large jurisdictions).

Preferences are read for all recipients in one query, and deliveries are inserted with
one executemany INSERT … ON CONFLICT DO NOTHING, so a sweep's query count does not grow
with the number of clues, institutions or recipients.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from config.database import utcnow
from directory.models import User
from notifications.models import Channel, ChannelPreference, Delivery, DeliveryStatus
from notifications.service import idempotency_key
from notifications.templates import check_context


@dataclass(frozen=True)
class Message:
    """To a user on each of their channels, or (``user`` None) by e-mail to ``address``
    — an institution's named contact who has no account."""

    user: User | None
    subject_ref: str
    level: str
    business_date: date
    template: str
    context: dict[str, Any]
    address: str = ""
    # E-mail and webhook go out at once, not held to working hours (in-app always does).
    urgent: bool = False
    # The unit the subject belongs to: the dry run shows an administrator only the
    # reminders about their own jurisdiction. Not stored; the sweeps ignore it.
    unit_id: int | None = None


def routes_for_many(
    session: Session, users: Iterable[User]
) -> dict[int, list[tuple[Channel, str]]]:
    """Channels per user, the same rule as ``service.recipients_for``, in one query."""
    by_id = {u.id: u for u in users}
    prefs: dict[int, dict[Channel, ChannelPreference]] = {uid: {} for uid in by_id}
    if by_id:
        for pref in session.scalars(
            select(ChannelPreference).where(ChannelPreference.user_id.in_(list(by_id)))
        ):
            prefs[pref.user_id][Channel(pref.channel)] = pref
    result: dict[int, list[tuple[Channel, str]]] = {}
    for uid, user in by_id.items():
        routes = [(Channel.INAPP, "")]
        email = prefs[uid].get(Channel.EMAIL)
        address = (email.address if email and email.address else "") or user.email
        if address and (email is None or email.enabled):
            routes.append((Channel.EMAIL, address))
        hook = prefs[uid].get(Channel.WEBHOOK)
        if hook is not None and hook.enabled and hook.address:
            routes.append((Channel.WEBHOOK, hook.address))
        result[uid] = routes
    return result


_COLUMNS = (
    "channel", "recipient_user_id", "address", "subject_ref", "level", "business_date",
    "idempotency_key", "template", "context", "status", "attempts", "last_error",
    "created_at", "next_attempt_at", "urgent",
)  # fmt: skip


def _insert_sql(paramstyle: str) -> str:
    """The driver's own INSERT (qmark for sqlite3, format for psycopg): rows go to the
    cursor's executemany as tuples, without SQLAlchemy building a dict of each. Both SQLite
    (3.24+) and PostgreSQL read this ON CONFLICT clause."""
    mark = "?" if paramstyle == "qmark" else "%s"
    columns, marks = ", ".join(_COLUMNS), ", ".join(mark for _ in _COLUMNS)
    sql = f"INSERT INTO deliveries ({columns}) VALUES ({marks})"  # noqa: S608 -- fixed names
    return sql + " ON CONFLICT (idempotency_key) DO NOTHING"


class _Binder:
    """The column types' own bind processors (SQLite's date and JSON text, psycopg's Json),
    applied once per distinct value: a sweep writes ~10⁵ rows, and SQLAlchemy's per-row,
    per-column processing of a Core insert cost more than the database's work."""

    def __init__(self, session: Session) -> None:
        dialect = session.get_bind().dialect
        table = cast(Table, Delivery.__table__)

        def proc(name: str):
            fn = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            return fn or (lambda value: value)

        self._date, self.json, moment = proc("business_date"), proc("context"), proc("created_at")
        self.now = moment(utcnow())  # one timestamp for the batch
        self._dates: dict[date, Any] = {}

    def date(self, day: date) -> Any:
        if day not in self._dates:
            self._dates[day] = self._date(day)
        return self._dates[day]


class Target(NamedTuple):
    """One delivery a message makes: its channel, address and idempotency key (a tuple:
    a sweep makes ~10⁵ of them)."""

    message: Message
    user_id: int | None
    channel: Channel
    address: str
    key: str


def targets_of(session: Session, messages: list[Message]) -> Iterator[Target]:
    """Each message on each of its recipient's channels (one query for all preferences):
    what ``enqueue_many`` inserts and the administrators' dry run lists.

    One delivery per destination: a reporter whose address is also the unit's contact
    address is sent one e-mail, not one per role they are reached through (the key is
    the destination's, see ``idempotency_key``); the first message for it wins.
    """
    users = {m.user.id: m.user for m in messages if m.user is not None}
    routes = routes_for_many(session, users.values())
    seen: set[str] = set()
    for m in messages:
        uid = m.user.id if m.user is not None else None
        for channel, address in routes[uid] if uid is not None else [(Channel.EMAIL, m.address)]:
            key = idempotency_key(
                channel=channel,
                recipient_id=uid,
                address=address,
                subject_ref=m.subject_ref,
                level=m.level,
                business_date=m.business_date,
            )
            if key not in seen:
                seen.add(key)
                yield Target(m, uid, channel, address, key)


def enqueue_many(session: Session, messages: list[Message]) -> int:
    """Queue every message on each of its recipient's channels.

    Returns the rows inserted where the driver reports it (SQLite), else the rows attempted
    (psycopg's executemany reports no count; RETURNING would split the batch into many
    statements). Either way a second run inserts nothing: the keys are unique.
    """
    if not messages:
        return 0
    bind = _Binder(session)
    pending = DeliveryStatus.PENDING.value
    rows: list[tuple[Any, ...]] = []
    checked: set[tuple[str, frozenset[str]]] = set()
    encoded: dict[int, tuple[Any, Any]] = {}  # id(message) -> (context, date), once each
    # A reminder's recipients share its context dict: encoded once, not once per recipient.
    contexts: dict[int, Any] = {}
    for t in targets_of(session, messages):
        m = t.message
        if id(m) not in encoded:
            shape = (m.template, frozenset(m.context))
            if shape not in checked:  # the rule is per template and key set, not per message
                check_context(m.template, m.context)
                checked.add(shape)
            if id(m.context) not in contexts:
                contexts[id(m.context)] = bind.json(m.context)
            encoded[id(m)] = (contexts[id(m.context)], bind.date(m.business_date))
        context, day = encoded[id(m)]
        rows.append(
            (
                t.channel.value,
                t.user_id,
                t.address,
                m.subject_ref,
                m.level,
                day,
                t.key,
                m.template,
                context,
                pending,
                0,
                "",
                bind.now,
                bind.now,
                m.urgent,
            )
        )  # fmt: skip  -- in the order of _COLUMNS
    if not rows:  # an empty executemany would be sent as one statement without values
        return 0
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        return _copy_insert(conn, rows)
    result = conn.exec_driver_sql(_insert_sql(conn.dialect.paramstyle), rows)
    return result.rowcount if result.rowcount >= 0 else len(rows)


def _copy_insert(conn: Any, rows: list[tuple[Any, ...]]) -> int:
    """PostgreSQL: COPY the rows into a temporary table, then one INSERT … SELECT … ON
    CONFLICT DO NOTHING; COPY streams 10⁵ rows several times faster than an executemany,
    and the INSERT's row count is exact. Four statements, whatever the number of rows."""
    columns = ", ".join(_COLUMNS)
    conn.exec_driver_sql(
        "CREATE TEMPORARY TABLE qf_deliveries_in "
        "(LIKE deliveries INCLUDING DEFAULTS) ON COMMIT DROP"
    )
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        with cursor.copy(f"COPY qf_deliveries_in ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    finally:
        cursor.close()
    result = conn.exec_driver_sql(
        f"INSERT INTO deliveries ({columns}) SELECT {columns} FROM qf_deliveries_in "  # noqa: S608
        "ON CONFLICT (idempotency_key) DO NOTHING"
    )
    conn.exec_driver_sql("DROP TABLE qf_deliveries_in")
    return int(result.rowcount)
