"""The tips package's scheduled jobs (collected by ``notifications.scheduler``)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import sessionmaker

from config.database import session_scope
from config.jobs import JobSpec
from config.settings import Settings
from tips.imap import MailboxUnavailable, mark_seen
from tips.mailbox import poll
from tips.service import vault_for

log = logging.getLogger(__name__)


def poll_mailbox(session_factory: sessionmaker, settings: Settings, now: datetime) -> str:
    """Read the tip mailbox; flag messages \\Seen only after the tips are committed."""
    if not settings.imap_host:
        return "未配置举报邮箱，跳过"
    vault = vault_for(settings)
    with session_scope(session_factory) as session:
        result = poll(session, settings, vault)
    try:
        mark_seen(
            settings.imap_host,
            settings.imap_port,
            settings.imap_user,
            settings.imap_password,
            result.uids,
            mailbox=settings.imap_mailbox,
            ssl=settings.imap_ssl,
            uidvalidity=result.uidvalidity,
        )
    except MailboxUnavailable as err:
        # The tips are committed and the stored UID (then Message-ID) keeps them from being
        # imported again; reporting a failure here would hide that they arrived.
        log.warning("mailbox poll: stored messages not flagged \\Seen: %s", err.message)
        reason = err.message.split("。")[0]
        return f"{result.report.summary()}；邮件已入库，不会重复导入，但未能标记为已读：{reason}"
    return result.report.summary()


JOBS = [
    JobSpec(
        id="tips.mailbox_poll",
        trigger={"trigger": "interval", "minutes": 5},
        func=poll_mailbox,
        label="收取举报邮箱",
        misfire_grace_time=600,
    ),
]
