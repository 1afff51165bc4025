"""Delivery channels: SMTP e-mail, the in-app inbox and a JSON webhook for group robots.

Each channel raises ``TransientError`` (try again later) or ``PermanentError`` (give up and
show the reason to administrators); the dispatcher decides what to do with either.
"""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Protocol
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from config.settings import Settings
from notifications.models import Channel, Delivery, InboxMessage
from notifications.templates import Rendered


class DeliveryError(Exception):
    """A delivery failed; ``str(err)`` is the reason shown to administrators."""


class TransientError(DeliveryError):
    """The other side may accept later (4xx SMTP, 5xx HTTP, timeouts, refused connections)."""


class PermanentError(DeliveryError):
    """Retrying cannot help (5xx SMTP, 4xx HTTP, a missing address)."""


class DeliveryChannel(Protocol):
    def send(self, session: Session, delivery: Delivery, message: Rendered) -> None: ...


def _smtp_error(code: int, text: bytes | str) -> DeliveryError:
    reason = text.decode(errors="replace") if isinstance(text, bytes) else text
    message = f"邮件服务器拒绝（{code}）：{reason}"
    # RFC 5321 §4.2.1: 4yz is a transient negative reply, 5yz a permanent one.
    return TransientError(message) if 400 <= code < 500 else PermanentError(message)


class SmtpChannel:
    """E-mail through the configured SMTP relay, with STARTTLS and login when configured."""

    def __init__(self, settings: Settings, *, timeout: float = 30.0) -> None:
        self.settings = settings
        self.timeout = timeout

    def build(self, delivery: Delivery, message: Rendered) -> EmailMessage:
        mail = EmailMessage()
        mail["Subject"] = message.subject
        mail["From"] = formataddr(("清风平台", self.settings.smtp_from))
        mail["To"] = delivery.address
        # A stable id lets a receiving system spot a duplicate after a crash mid-send.
        domain = self.settings.smtp_from.rpartition("@")[2] or "qingfeng.local"
        mail["Message-ID"] = make_msgid(idstring=delivery.idempotency_key[:32], domain=domain)
        mail.set_content(message.body)
        return mail

    def send(self, session: Session, delivery: Delivery, message: Rendered) -> None:
        if not delivery.address:
            raise PermanentError("收件人没有电子邮箱地址。")
        mail = self.build(delivery, message)
        s = self.settings
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=self.timeout) as smtp:
                if s.smtp_starttls:
                    smtp.starttls()
                if s.smtp_user:
                    smtp.login(s.smtp_user, s.smtp_password)
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as err:
            code, text = next(iter(err.recipients.values()))
            raise _smtp_error(code, text) from err
        except smtplib.SMTPResponseException as err:
            raise _smtp_error(err.smtp_code, err.smtp_error) from err
        except (smtplib.SMTPException, OSError) as err:
            # Disconnects, refused connections and timeouts: the relay may be back soon.
            raise TransientError(f"无法连接邮件服务器：{err!r}") from err


class WebhookChannel:
    """POST a JSON message to a group robot (the text message shape most robots accept)."""

    def __init__(self, *, timeout: float = 10.0) -> None:
        self.timeout = timeout

    @staticmethod
    def payload(delivery: Delivery, message: Rendered) -> dict:
        return {
            "msgtype": "text",
            "text": {"content": f"{message.subject}\n{message.body}"},
            "subject_ref": delivery.subject_ref,
            "level": delivery.level,
            "link": message.link,
        }

    def send(self, session: Session, delivery: Delivery, message: Rendered) -> None:
        parts = urlsplit(delivery.address)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise PermanentError(f"Webhook 地址无效：{delivery.address}")
        body = json.dumps(self.payload(delivery, message), ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 — scheme checked above
            delivery.address,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as err:
            reason = f"Webhook 返回 HTTP {err.code}"
            # 408/429 and 5xx: the robot is busy or down; other 4xx: our request is wrong.
            if err.code >= 500 or err.code in (408, 429):
                raise TransientError(reason) from err
            raise PermanentError(reason) from err
        except (urllib.error.URLError, TimeoutError, OSError) as err:
            raise TransientError(f"无法连接 Webhook：{err!r}") from err


class InAppChannel:
    """Write the message to the user's inbox, in the same transaction that marks it sent."""

    def send(self, session: Session, delivery: Delivery, message: Rendered) -> None:
        if delivery.recipient_user_id is None:
            raise PermanentError("站内消息没有接收用户。")
        session.add(
            InboxMessage(
                user_id=delivery.recipient_user_id,
                delivery_id=delivery.id,
                title=message.subject.removeprefix("【清风】"),
                body=message.body,
                link="/" + str(delivery.context.get("path", "")).lstrip("/"),
            )
        )
        session.flush()


def default_channels(settings: Settings) -> dict[Channel, DeliveryChannel]:
    return {
        Channel.EMAIL: SmtpChannel(settings),
        Channel.WEBHOOK: WebhookChannel(),
        Channel.INAPP: InAppChannel(),
    }
