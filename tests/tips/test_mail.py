from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest

from config.errors import ValidationError
from tests.tips.mailfactory import (
    GBK_BODY,
    JPG,
    PDF,
    forwarded,
    gbk_multipart,
    html_only,
    utf8_qp,
)
from tips.mail import MailParseError, parse_message, read_eml_or_mbox, split_mbox


def test_gbk_multipart_labelled_gb2312_keeps_every_character_and_attachment() -> None:
    mail = parse_message(gbk_multipart())
    assert mail.subject == "举报朱镕基医院收红包"
    assert mail.from_name == "王芳"
    assert mail.from_address == "wangfang@example.cn"
    assert mail.to == ["jubao@wjw.example.gov.cn", "clerk@wjw.example.gov.cn"]
    assert mail.message_id == "20230314093000.ABC123@example.cn"
    assert not mail.message_id_synthesized
    # The plain part is preferred over its HTML twin, and GBK-only characters survive.
    assert mail.body == GBK_BODY
    assert mail.date == datetime(2023, 3, 14, 1, 30, tzinfo=UTC)
    assert mail.attachments == [
        ("举报材料.pdf", "application/pdf", PDF),
        ("红包照片(镕).jpg", "image/jpeg", JPG),
    ]


def test_utf8_quoted_printable_with_rfc2231_filename() -> None:
    raw = utf8_qp()
    assert b"quoted-printable" in raw and "现场".encode() not in raw.split(b"\n\n", 1)[0]
    mail = parse_message(raw)
    assert mail.subject == "反映XX医院外科张某某收红包两千元的问题"
    assert mail.from_name == "李四"
    assert mail.body == "张某某收红包两千元，请调查。\n举报人：李四"
    assert mail.date == datetime(2023, 3, 15, 0, 0, tzinfo=UTC)
    assert mail.attachments == [("现场照片.jpg", "image/jpeg", JPG)]


def test_html_only_body_becomes_plain_text_without_scripts() -> None:
    mail = parse_message(html_only())
    assert "医院停车场 一小时收费10元" in mail.body
    assert "请核查&整改" in mail.body
    assert "alert" not in mail.body and "color" not in mail.body and "<" not in mail.body
    # "-0000" means "zone unknown": stored as UTC, still aware.
    assert mail.date == datetime(2023, 3, 15, 10, 0, tzinfo=UTC)


def test_missing_message_id_is_synthesized_from_the_raw_bytes() -> None:
    raw = utf8_qp(with_message_id=False)
    first = parse_message(raw)
    assert first.message_id_synthesized
    assert first.message_id.endswith("@qingfeng.invalid")
    assert parse_message(raw).message_id == first.message_id
    other = utf8_qp(with_message_id=False, date="Thu, 16 Mar 2023 08:00:00 +0800")
    assert parse_message(other).message_id != first.message_id


def test_raw_8bit_gbk_headers_and_a_bad_date() -> None:
    raw = (
        "From: 赵六 <zhao@example.cn>\r\nSubject: 举报镕县医院\r\nDate: 不是日期\r\n"
        "Content-Type: text/plain; charset=gbk\r\n\r\n正文内容\r\n"
    ).encode("gbk")
    mail = parse_message(raw)
    assert mail.subject == "举报镕县医院"
    assert mail.from_name == "赵六"
    assert mail.body == "正文内容"
    assert mail.date is None


def test_gbk_body_wrongly_labelled_utf8_falls_back_to_gb18030() -> None:
    raw = b"Subject: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + GBK_BODY.encode("gbk")
    assert parse_message(raw).body == GBK_BODY


def test_other_text_parts_are_kept_as_attachments() -> None:
    msg = message_from_bytes(utf8_qp(), policy=policy.default)
    msg.add_attachment(  # type: ignore[attr-defined]
        "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", subtype="calendar", disposition="inline"
    )
    mail = parse_message(msg.as_bytes())
    assert mail.body.startswith("张某某收红包两千元")
    assert [a.content_type for a in mail.attachments] == ["image/jpeg", "text/calendar"]
    assert b"BEGIN:VCALENDAR" in mail.attachments[1].data


def test_forwarded_message_is_kept_as_an_eml_attachment() -> None:
    mail = parse_message(forwarded())
    assert mail.body == "转发群众来信，请登记。"
    [attachment] = mail.attachments
    assert attachment.content_type == "message/rfc822"
    assert attachment.filename.endswith(".eml")
    inner = message_from_bytes(attachment.data, policy=policy.default)
    assert parse_message(inner.as_bytes()).subject == "反映XX医院外科张某某收红包两千元的问题"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "邮件内容为空"),
        (b"   \r\n", "邮件内容为空"),
        (PDF, "开头没有邮件头"),
        (b"X-Spam: yes\r\n\r\nhello", "缺少发件人"),
        (
            b"From: a@b.cn\r\nSubject: x\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\nhi\r\n",
            "缺少分隔边界",
        ),
    ],
)
def test_broken_messages_raise_with_a_chinese_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(MailParseError, match=reason):
        parse_message(raw)


def test_mail_parse_error_is_a_validation_error() -> None:
    assert issubclass(MailParseError, ValidationError)


def test_split_mbox_separates_messages_and_unescapes_from_lines() -> None:
    first = utf8_qp()
    second = b"From: a@b.cn\nSubject: second\n\nline one\n>From the hospital\n"
    mbox = (
        b"From MAILER-DAEMON Tue Mar 14 09:30:00 2023\n"
        + first.replace(b"\r\n", b"\n")
        + b"\n"
        + b"From a@b.cn Wed Mar 15 10:00:00 2023\n"
        + second.replace(b">From", b">>From")
        + b"\n"
    )
    messages = split_mbox(mbox)
    assert len(messages) == 2
    assert parse_message(messages[0]).subject == "反映XX医院外科张某某收红包两千元的问题"
    assert messages[1] == second
    # A "From " inside a paragraph (not after a blank line) does not split.
    assert len(split_mbox(b"From x\nSubject: a\n\nbody\nFrom here on\n")) == 1


def test_read_eml_or_mbox_by_file_type() -> None:
    assert read_eml_or_mbox("举报.EML", gbk_multipart()) == [gbk_multipart()]
    assert read_eml_or_mbox("saved.eml", b"From x@y Mon\nSubject: a\n\nb\n") == [
        b"Subject: a\n\nb\n"
    ]
    assert len(read_eml_or_mbox("export.mbox", b"From x\nSubject: a\n\nb\n")) == 1
    with pytest.raises(ValidationError, match="不支持的文件类型"):
        read_eml_or_mbox("evidence.pdf", PDF)
    with pytest.raises(ValidationError, match="内容不是邮件"):
        read_eml_or_mbox("fake.eml", PDF)
    with pytest.raises(ValidationError, match="不是 mbox 文件"):
        read_eml_or_mbox("fake.mbox", PDF)
    with pytest.raises(ValidationError, match="是空的"):
        read_eml_or_mbox("empty.eml", b"")
