"""Glue shared by the tip pages: the vault from the app's settings, uploads from a request."""

from __future__ import annotations

import re

from flask import current_app, request
from werkzeug.datastructures import FileStorage

from config.settings import Settings
from tips.attachments import Upload
from tips.service import AccusedPerson, Identity, Vault, vault_for


def settings() -> Settings:
    return current_app.config["QINGFENG"]


def vault() -> Vault:
    return vault_for(settings())


# The quoted file name as the browser wrote it (WHATWG multipart: no backslash escapes).
_RAW_FILENAME = re.compile(r'(?:^|;)\s*filename="((?:[^"\\]|\\.)*)"', re.IGNORECASE)


def sent_filename(upload: FileStorage) -> str:
    """The name as sent, client path included: browsers send a Windows path's backslashes
    unescaped, and werkzeug's header parser would drop them and glue the folders onto
    the name (``C:Users张三x.jpg``). ``Upload`` then keeps only the last component."""
    header = upload.headers.get("Content-Disposition", "")
    match = _RAW_FILENAME.search(header)
    if match is None or "filename*" in header.lower():
        return upload.filename or ""
    return match.group(1).replace("%22", '"')


def uploads(field: str = "attachments") -> list[Upload]:
    return [
        Upload(sent_filename(f), f.read())
        for f in request.files.getlist(field)
        if f and (f.filename or "").strip()
    ]


def identity_from(form) -> Identity:
    return Identity(
        name=form.get("reporter_name", "").strip(),
        phone=form.get("reporter_phone", "").strip(),
        email=form.get("reporter_email", "").strip(),
        id_number=form.get("reporter_id_number", "").strip(),
        address=form.get("reporter_address", "").strip(),
    )


def accused_from(form) -> list[AccusedPerson]:
    names = form.getlist("accused_name")
    posts = form.getlist("accused_post")
    return [
        AccusedPerson(name.strip(), posts[i] if i < len(posts) else "other")
        for i, name in enumerate(names)
        if name.strip()
    ]
