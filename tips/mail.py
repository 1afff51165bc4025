"""Parsing tips that arrive by e-mail (mailbox, .eml upload or .mbox export).

Chinese mail is messy: clients label GBK text as ``gb2312`` or ``utf-8``, put raw GBK
or Big5 bytes in headers, and RFC 2047-encode attachment names. ``tips.charsets`` finds
the charset the bytes are really in. A message that cannot be parsed raises
``MailParseError``; one whose text still needs U+FFFD replacement characters is marked
``unreadable``. The caller quarantines both with their raw bytes, it never drops them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.header import decode_header
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from typing import NamedTuple

from config.errors import ValidationError
from tips import charsets
from tips.htmltext import html_to_text

_HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+:")
_BOUNDARY_DEFECTS = ("NoBoundaryInMultipartDefect", "StartBoundaryNotFoundDefect")


class MailParseError(ValidationError):
    """The raw message cannot be read as an e-mail; quarantine it."""

    code = "mail_parse_error"


class Attachment(NamedTuple):
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ParsedMail:
    message_id: str
    from_name: str
    from_address: str
    to: list[str]
    subject: str
    date: datetime | None
    body: str
    attachments: list[Attachment] = field(default_factory=list)
    # True when the message had no Message-ID and ours is a hash of the raw bytes.
    message_id_synthesized: bool = False

    @property
    def unreadable(self) -> list[str]:
        """The fields (in Chinese) that no charset could decode: they hold U+FFFD."""
        fields = [
            ("发件人", self.from_name),
            ("主题", self.subject),
            ("正文", self.body),
            ("附件名", "".join(a.filename for a in self.attachments)),
        ]
        return [label for label, text in fields if charsets.REPLACEMENT in text]


def decode_bytes(data: bytes, label: str | None) -> str:
    """Decode in the charset the bytes are really in (``tips.charsets``); U+FFFD only as a
    last resort, and such a message is quarantined (``ParsedMail.unreadable``)."""
    return charsets.decode(data, label)


def _header_text(raw: str | None) -> str:
    """A header's text: RFC 2047 words decoded with charset upgrades, raw 8-bit bytes too."""
    if not raw:
        return ""
    raw = re.sub(r"\r?\n[ \t]", " ", str(raw)).strip()
    if any("\udc80" <= ch <= "\udcff" for ch in raw):
        # Unencoded 8-bit header: the parser kept the bytes as surrogate escapes.
        return decode_bytes(raw.encode("ascii", "surrogateescape"), None)
    try:
        chunks = decode_header(raw)
    except ValueError:
        return raw
    return "".join(
        decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk
        for chunk, charset in chunks
    ).strip()


def _raw_header(msg: Message, name: str) -> str | None:
    # The raw value, before policy.default decodes it with the (often wrong) label.
    for key, value in msg.raw_items():
        if key.lower() == name.lower():
            return value
    return None


def _filename(part: Message) -> str:
    for param, header in (("filename", "content-disposition"), ("name", "content-type")):
        value = part.get_param(param, header=header)
        if value is None:
            continue
        if isinstance(value, tuple):  # RFC 2231: (charset, language, percent-decoded text)
            charset, _lang, text = value
            return decode_bytes(text.encode("latin-1", "surrogateescape"), charset)
        return _header_text(str(value))
    return ""


def _payload_bytes(part: Message) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _date(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        value = parsedate_to_datetime(_header_text(raw))
    except (TypeError, ValueError, IndexError):
        return None
    # RFC 5322 "-0000" (no zone known) comes back naive: take it as UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _leaves(msg: Message) -> list[Message]:
    """Leaf parts in order; an attached message (message/rfc822) stays one leaf."""
    if msg.get_content_maintype() == "multipart":
        payload = msg.get_payload()
        subs = (
            [sub for sub in payload if isinstance(sub, Message)]
            if isinstance(payload, list)
            else []
        )
        return [leaf for sub in subs for leaf in _leaves(sub)]
    return [msg]


def _is_attachment(part: Message) -> bool:
    if part.get_content_disposition() == "attachment" or _filename(part):
        return True
    return part.get_content_maintype() not in ("text",)


def _attachment(part: Message, index: int) -> Attachment:
    content_type = part.get_content_type()
    if content_type == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            data = inner[0].as_bytes()
        else:
            data = _payload_bytes(part)
        default = f"附件{index}.eml"
    else:
        data = _payload_bytes(part)
        default = f"附件{index}"
    return Attachment(_filename(part) or default, content_type, data)


def _text_of(part: Message) -> str:
    text = decode_bytes(_payload_bytes(part), part.get_content_charset())
    return html_to_text(text) if part.get_content_subtype() == "html" else text.strip()


def parse_message(raw: bytes) -> ParsedMail:
    """Parse one raw RFC 5322 message; raise ``MailParseError`` (Chinese reason) if unreadable."""
    if not raw or not raw.strip():
        raise MailParseError("邮件内容为空。")
    if not _HEADER_LINE.match(raw.lstrip(b"\r\n")):
        raise MailParseError("不是有效的邮件：开头没有邮件头（如 From:、Subject:）。")
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        return _build(raw, msg)  # type: ignore[arg-type]
    except MailParseError:
        raise
    except Exception as err:  # the email package has known crashes on odd headers
        raise MailParseError(
            f"解析邮件时出错（{type(err).__name__}），原始邮件已隔离保存。"
        ) from err


def _build(raw: bytes, msg: EmailMessage) -> ParsedMail:
    if not any(_raw_header(msg, name) for name in ("From", "Subject", "Date", "Message-ID")):
        raise MailParseError("不是有效的邮件：缺少发件人、主题、日期和邮件编号。")
    defects = {type(d).__name__ for p in msg.walk() for d in p.defects}
    if defects & set(_BOUNDARY_DEFECTS):
        raise MailParseError("多部分邮件缺少分隔边界，正文和附件无法拆分。")

    leaves = _leaves(msg)
    texts = [p for p in leaves if p.get_content_maintype() == "text" and not _is_attachment(p)]
    plain = [p for p in texts if p.get_content_subtype() == "plain"]
    html = [p for p in texts if p.get_content_subtype() == "html"]
    body_parts = plain or html[:1]
    body = "\n\n".join(t for t in (_text_of(p) for p in body_parts) if t)
    # The HTML twin of a plain body is the same text; any other text part (calendar,
    # rtf, csv) is evidence and is kept as an attachment.
    used = {id(p) for p in plain + html}
    attachments = [
        _attachment(part, index)
        for index, part in enumerate((p for p in leaves if id(p) not in used), start=1)
    ]

    message_id = parseaddr(_header_text(_raw_header(msg, "Message-ID")))[1].strip("<> ")
    synthesized = not message_id
    if synthesized:
        message_id = f"sha256-{hashlib.sha256(raw).hexdigest()[:40]}@qingfeng.invalid"
    from_name, from_address = parseaddr(_header_text(_raw_header(msg, "From")))
    to = [addr for _name, addr in getaddresses([_header_text(_raw_header(msg, "To"))]) if addr]
    return ParsedMail(
        message_id=message_id,
        from_name=from_name,
        from_address=from_address.lower(),
        to=to,
        subject=_header_text(_raw_header(msg, "Subject")),
        date=_date(_raw_header(msg, "Date")),
        body=body,
        attachments=attachments,
        message_id_synthesized=synthesized,
    )


def split_mbox(data: bytes) -> list[bytes]:
    """Split an mbox file into raw messages (mboxrd: ``>From`` lines are unescaped)."""
    if not data.startswith(b"From "):
        raise ValidationError("不是 mbox 文件：文件应以 “From ” 行开头。")
    messages: list[list[bytes]] = []
    previous_blank = True
    for line in data.splitlines(keepends=True):
        if line.startswith(b"From ") and previous_blank:
            messages.append([])
            previous_blank = False
            continue
        previous_blank = line in (b"\n", b"\r\n")
        if re.match(rb"^>+From ", line):
            line = line[1:]
        messages[-1].append(line)
    result = []
    for lines in messages:
        # The blank line before the next "From " belongs to the separator.
        if lines and lines[-1] in (b"\n", b"\r\n"):
            lines = lines[:-1]
        raw = b"".join(lines)
        if raw.strip():
            result.append(raw)
    return result


def read_eml_or_mbox(filename: str, data: bytes) -> list[bytes]:
    """Raw messages from an uploaded ``.eml`` or ``.mbox`` file; other types are refused."""
    name = filename.lower()
    if not data.strip():
        raise ValidationError(f"文件 {filename} 是空的。")
    if name.endswith(".eml"):
        if data.startswith(b"From "):  # a single message saved with its mbox separator
            return split_mbox(data)[:1]
        if not _HEADER_LINE.match(data.lstrip(b"\r\n")):
            raise ValidationError(f"文件 {filename} 的内容不是邮件（.eml 应以邮件头开头）。")
        return [data]
    if name.endswith((".mbox", ".mbx")):
        messages = split_mbox(data)
        if not messages:
            raise ValidationError(f"文件 {filename} 中没有邮件。")
        return messages
    raise ValidationError(f"不支持的文件类型：{filename}。请上传 .eml 或 .mbox 格式的邮件文件。")


def reading(raw: bytes, charset: str | None = None) -> str:
    """A quarantined original as a clerk reads it: text parts decoded in ``charset`` (the
    detector's choice when None; headers too, unless it cannot read them), transfer
    encodings undone."""

    def text(data: bytes, label: str | None) -> str:
        return charsets.read_as(data, charset) if charset else charsets.decode(data, label)

    def header(data: bytes, label: str | None) -> str:
        # A header the detector reads stays as read; the clerk's charset is for the rest.
        auto = charsets.decode(data, label)
        return text(data, label) if charsets.REPLACEMENT in auto else auto

    try:
        msg = BytesParser(policy=policy.compat32).parsebytes(raw)
        lines = []
        for name in ("From", "To", "Subject", "Date"):
            value = _raw_header(msg, name)
            if value is not None:
                lines.append(f"{name}: {_header_in(value, header)}")
        for part in _leaves(msg):
            if part.get_content_maintype() == "text":
                lines += ["", text(_payload_bytes(part), part.get_content_charset())]
            else:
                lines += ["", f"[附件 {part.get_content_type()} {_filename(part)}]"]
        if any(lines):
            return "\n".join(lines)
    except Exception:  # noqa: S110 -- an unparsable original is shown as bytes below
        pass
    return text(raw, None)


def _header_in(raw: str, text) -> str:
    raw = re.sub(r"\r?\n[ \t]", " ", str(raw)).strip()
    if any("\udc80" <= ch <= "\udcff" for ch in raw):
        return text(raw.encode("ascii", "surrogateescape"), None)
    try:
        chunks = decode_header(raw)
    except ValueError:
        return raw
    return "".join(
        text(chunk, label) if isinstance(chunk, bytes) else chunk for chunk, label in chunks
    )


def readable_fields(raw: bytes) -> dict[str, str]:
    """What a clerk need not retype when converting a quarantined mail: the fields that
    did decode (form field name → text); empty when the message cannot be parsed."""
    try:
        mail = parse_message(raw)
    except MailParseError:
        return {}
    fields = {
        "summary": mail.subject[:200],
        "content": mail.body,
        "reporter_name": mail.from_name,
        "reporter_email": mail.from_address,
    }
    return {k: v for k, v in fields.items() if v and charsets.REPLACEMENT not in v}
