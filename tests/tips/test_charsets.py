"""Charset detection for Chinese mail (``tips.charsets``) and client file names."""

from __future__ import annotations

import pytest

from config.filenames import client_filename
from tests.tips.mailfactory import (
    BIG5_BODY,
    GB18030_BODY,
    GBK_BODY,
    UNDECODABLE,
    big5_mail,
    gb18030_unlabelled,
    gbk_labelled_utf8,
    undecodable,
)
from tips import charsets
from tips.attachments import Upload
from tips.mail import parse_message, reading


@pytest.mark.parametrize(
    ("text", "encoding", "label", "expected"),
    [
        (GBK_BODY, "gbk", "utf-8", "gb18030"),  # mislabelled utf-8
        (GBK_BODY, "gbk", "gb2312", "gb18030"),  # GBK-only characters under a gb2312 label
        (GBK_BODY, "gbk", "iso-8859-1", "gb18030"),  # a single-byte label proves nothing
        (GB18030_BODY, "gb18030", None, "gb18030"),  # four-byte characters, no label
        (BIG5_BODY, "big5", None, "big5hkscs"),
        (BIG5_BODY, "big5", "gb2312", "big5hkscs"),  # Big5 decodes as GB18030 nonsense
        ("檢舉醫生收紅包", "big5", "gb2312", "big5hkscs"),
        ("赵六", "gbk", None, "gb18030"),  # two characters read as both: GB wins
        ("王芳", "gbk", None, "gb18030"),
        ("café au lait, très bien", "latin-1", "iso-8859-1", "iso8859-1"),
        ("举报", "utf-8", None, "utf-8"),
    ],
)
def test_detects_the_charset_the_bytes_are_in(text, encoding, label, expected) -> None:
    data = text.encode(encoding)
    assert charsets.detect(data, label) == expected
    assert charsets.decode(data, label) == text


@pytest.mark.parametrize("label", [None, "utf-8", "gb2312", "big5", "iso-8859-1"])
def test_bytes_nothing_reads_keep_replacement_characters(label) -> None:
    assert charsets.detect(UNDECODABLE, label) is None
    assert charsets.REPLACEMENT in charsets.decode(UNDECODABLE, label)


@pytest.mark.parametrize(
    ("factory", "subject", "body"),
    [
        (gbk_labelled_utf8, "举报外科收红包", GBK_BODY),
        (gb18030_unlabelled, "反映卫生院院长𠮷某收回扣", GB18030_BODY),
        (big5_mail, "檢舉醫生收紅包", BIG5_BODY),
        (lambda: big5_mail("gb2312"), "檢舉醫生收紅包", BIG5_BODY),
    ],
)
def test_mislabelled_and_unlabelled_mail_reads_right(factory, subject, body) -> None:
    mail = parse_message(factory())
    assert (mail.subject, mail.body, mail.unreadable) == (subject, body, [])


def test_undecodable_mail_is_marked_unreadable_and_readable_by_choice() -> None:
    raw = undecodable()
    mail = parse_message(raw)
    assert mail.unreadable == ["正文"] and mail.subject == "举报"
    shown = reading(raw)
    assert "Subject: 举报" in shown and "From: broken-gateway@example.cn" in shown
    # The clerk can force a charset; the bytes are shown, never silently dropped.
    assert reading(big5_mail("gb2312"), "big5hkscs").endswith(BIG5_BODY)
    assert charsets.REPLACEMENT in reading(raw, "gb18030")


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("C:\\Users\\张三\\Desktop\\红包照片.jpg", "红包照片.jpg"),
        ("/home/user/证据.pdf", "证据.pdf"),
        ("..", ""),
        (".htaccess", "htaccess"),
        ('a<b>:"c|?*.pdf', "a_b___c___.pdf"),
        ("证据\u202egpj.exe", "证据gpj.exe"),  # right-to-left override hides the extension
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
        ("举报 材料（一）.docx", "举报 材料（一）.docx"),
    ],
)
def test_client_paths_are_stripped_from_file_names(sent, kept) -> None:
    assert client_filename(sent) == kept
    assert Upload(sent, b"data").filename == kept
