"""Realistic test messages, built with the ``email`` package the way Chinese clients send them."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) + b"\xff\xd9"
BEIJING = timezone(timedelta(hours=8))
# "镕" and "喆" are in GBK but not in GB2312: Foxmail/Outlook still label such text gb2312.
GBK_BODY = "我实名举报XX医院外科张医生，2023年3月收受患者家属红包2000元。朱镕基、陶喆同病房可作证。"


def b64_word(text: str, label: str, encoding: str) -> str:
    return f"=?{label}?B?{base64.b64encode(text.encode(encoding)).decode()}?="


def gbk_multipart() -> bytes:
    """multipart/mixed: a GBK plain body labelled gb2312, an HTML twin, a PDF and a JPG."""
    boundary = "----=_NextPart_000_0001_01D9"
    pdf_name = b64_word("举报材料.pdf", "gb2312", "gbk")
    jpg_name = b64_word("红包照片(镕).jpg", "gbk", "gbk")
    html = "<html><body><p>我实名举报</p></body></html>".encode("gbk")
    lines = [
        f"From: {b64_word('王芳', 'gb2312', 'gbk')} <WangFang@Example.CN>",
        "To: jubao@wjw.example.gov.cn, Clerk <clerk@wjw.example.gov.cn>",
        f"Subject: {b64_word('举报朱镕基医院收红包', 'gb2312', 'gbk')}",
        "Date: Tue, 14 Mar 2023 09:30:00 +0800",
        "Message-ID: <20230314093000.ABC123@example.cn>",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
        "",
        "This is a multi-part message in MIME format.",
        f"--{boundary}",
        'Content-Type: multipart/alternative; boundary="alt"',
        "",
        "--alt",
        'Content-Type: text/plain; charset="gb2312"',
        "Content-Transfer-Encoding: base64",
        "",
        base64.encodebytes(GBK_BODY.encode("gbk")).decode().strip(),
        "--alt",
        'Content-Type: text/html; charset="gb2312"',
        "Content-Transfer-Encoding: base64",
        "",
        base64.encodebytes(html).decode().strip(),
        "--alt--",
        f"--{boundary}",
        f'Content-Type: application/pdf; name="{pdf_name}"',
        "Content-Transfer-Encoding: base64",
        f'Content-Disposition: attachment; filename="{pdf_name}"',
        "",
        base64.encodebytes(PDF).decode().strip(),
        f"--{boundary}",
        f'Content-Type: image/jpeg; name="{jpg_name}"',
        "Content-Transfer-Encoding: base64",
        f'Content-Disposition: attachment; filename="{jpg_name}"',
        "",
        base64.encodebytes(JPG).decode().strip(),
        f"--{boundary}--",
        "",
    ]
    return "\r\n".join(lines).encode("ascii")


def utf8_qp(*, with_message_id: bool = True, date: str | None = None) -> bytes:
    """A UTF-8 quoted-printable message with an RFC 2231 attachment name (Thunderbird style)."""
    msg = EmailMessage()
    msg["From"] = "李四 <lisi@example.com>"
    msg["To"] = "jubao@wjw.example.gov.cn"
    msg["Subject"] = "反映XX医院外科张某某收红包两千元的问题"
    msg["Date"] = date or format_datetime(datetime(2023, 3, 15, 8, 0, tzinfo=BEIJING))
    if with_message_id:
        msg["Message-ID"] = "<qp-1@example.com>"
    msg.set_content(
        "张某某收红包两千元，请调查。\n举报人：李四", charset="utf-8", cte="quoted-printable"
    )
    msg.add_attachment(JPG, maintype="image", subtype="jpeg", filename="现场照片.jpg")
    return msg.as_bytes()


def html_only() -> bytes:
    msg = EmailMessage()
    msg["From"] = "portal@example.org"
    msg["Subject"] = "投诉停车收费"
    msg["Date"] = "Wed, 15 Mar 2023 10:00:00 -0000"
    msg.set_content(
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head>"
        "<body><p>医院停车场&nbsp;一小时收费10元</p><div>请核查&amp;整改</div></body></html>",
        subtype="html",
    )
    return msg.as_bytes()


def forwarded() -> bytes:
    """A clerk forwards a citizen's mail as an attachment (message/rfc822)."""
    outer = EmailMessage()
    outer["From"] = "clerk@wjw.example.gov.cn"
    outer["Subject"] = "转发：举报信"
    outer.set_content("转发群众来信，请登记。")
    outer.add_attachment(message_from_bytes(utf8_qp(), policy=policy.default))
    return outer.as_bytes()


# Text outside GB2312 and GBK: a four-byte GB18030 character (𠮷) and the euro sign.
GB18030_BODY = "举报：卫生院院长𠮷某收受医药代表回扣€500元，时间2023年5月，请核实。"
BIG5_BODY = "我要檢舉某某醫院外科醫生收受病患家屬紅包新臺幣兩萬元，請調查處理。"
# Bytes no charset reads: invalid UTF-8, GB18030 and Big5 alike (no NUL: IMAP forbids it).
UNDECODABLE = b"\xff\xfe\x81\x30\xc0\x80\xfe\xff" * 6


def _crlf(lines: list[str | bytes]) -> bytes:
    """A message as it travels (CRLF line ends), so stored bytes compare byte for byte."""
    return b"\r\n".join(line if isinstance(line, bytes) else line.encode("ascii") for line in lines)


def gbk_labelled_utf8() -> bytes:
    """A webmail form that writes GBK bytes but labels them utf-8, body and subject alike."""
    return _crlf(
        [
            "From: zhangsan@example.cn",
            "To: jubao@wjw.example.gov.cn",
            f"Subject: {b64_word('举报外科收红包', 'utf-8', 'gbk')}",
            "Date: Thu, 16 Mar 2023 09:00:00 +0800",
            "Message-ID: <gbk-as-utf8@example.cn>",
            "MIME-Version: 1.0",
            'Content-Type: text/plain; charset="utf-8"',
            "Content-Transfer-Encoding: 8bit",
            "",
            GBK_BODY.encode("gbk"),
            "",
        ]
    )


def gb18030_unlabelled() -> bytes:
    """No charset anywhere: raw 8-bit GB18030 in the Subject header and the body."""
    return _crlf(
        [
            "From: reporter@example.cn",
            "To: jubao@wjw.example.gov.cn",
            b"Subject: " + "反映卫生院院长𠮷某收回扣".encode("gb18030"),
            "Date: Fri, 17 Mar 2023 10:00:00 +0800",
            "Message-ID: <gb18030-bare@example.cn>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain",
            "Content-Transfer-Encoding: 8bit",
            "",
            GB18030_BODY.encode("gb18030"),
            "",
        ]
    )


def big5_mail(label: str = "big5") -> bytes:
    """Traditional Chinese from Hong Kong or Taiwan, base64 Big5 (``label`` may lie)."""
    return _crlf(
        [
            "From: chen@example.com.hk",
            "To: jubao@wjw.example.gov.cn",
            f"Subject: {b64_word('檢舉醫生收紅包', label, 'big5')}",
            "Date: Sat, 18 Mar 2023 11:00:00 +0800",
            f"Message-ID: <big5-{label}@example.com.hk>",
            "MIME-Version: 1.0",
            f'Content-Type: text/plain; charset="{label}"',
            "Content-Transfer-Encoding: base64",
            "",
            base64.encodebytes(BIG5_BODY.encode("big5")).decode().strip(),
            "",
        ]
    )


def undecodable() -> bytes:
    """Well-formed headers, but a body that no charset reads (a broken gateway)."""
    return _crlf(
        [
            "From: broken-gateway@example.cn",
            "To: jubao@wjw.example.gov.cn",
            "Subject: =?utf-8?B?5Li+5oql?=",
            "Date: Sun, 19 Mar 2023 12:00:00 +0800",
            "Message-ID: <undecodable@example.cn>",
            "MIME-Version: 1.0",
            'Content-Type: text/plain; charset="utf-8"',
            "Content-Transfer-Encoding: 8bit",
            "",
            b"\xe4\xb8\xbe" + UNDECODABLE + b" 2000",
            "",
        ]
    )
