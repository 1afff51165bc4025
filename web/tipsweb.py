"""Glue shared by the tip pages: the vault from the app's settings, uploads from a request."""

from __future__ import annotations

from flask import current_app, request

from config.settings import Settings
from tips.attachments import Upload
from tips.service import AccusedPerson, Identity, Vault, vault_for


def settings() -> Settings:
    return current_app.config["QINGFENG"]


def vault() -> Vault:
    return vault_for(settings())


def uploads(field: str = "attachments") -> list[Upload]:
    return [
        Upload(f.filename or "", f.read())
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
