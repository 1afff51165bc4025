"""Glue for the pages that serve stored files: the store from the app's settings, and a
download response for bytes that were never on disk in plain form."""

from __future__ import annotations

import io

from flask import current_app, send_file

from config.filestore import FileStore, store_for


def file_store() -> FileStore:
    return store_for(current_app.config["QINGFENG"])


def send_bytes(data: bytes, content_type: str, filename: str):
    response = send_file(
        io.BytesIO(data), mimetype=content_type, as_attachment=True, download_name=filename
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
