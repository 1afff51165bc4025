"""The directory store keeps its files in step with the transaction of their rows."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from config.database import make_engine
from config.filekeys import load_file_keys
from config.filestore import DirectoryStore


def test_directory_store_follows_commit_and_rollback(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    store = DirectoryStore(
        load_file_keys(tmp_path / "file.key", create_if_missing=True), tmp_path / "sealed"
    )
    with Session(engine) as session:
        session.execute(text("SELECT 1"))
        store.put(session, "kept.pdf", b"%PDF kept")
        session.commit()
        session.execute(text("SELECT 1"))
        store.put(session, "dropped.pdf", b"%PDF dropped")
        assert store.exists(session, "dropped.pdf")
        session.rollback()  # the row never existed: neither does its file; the committed one stays
        assert not store.exists(session, "dropped.pdf")
        assert store.get(session, "kept.pdf") == b"%PDF kept"
        assert b"%PDF" not in (tmp_path / "sealed" / "kept.pdf").read_bytes()

        session.execute(text("SELECT 1"))
        store.delete(session, "kept.pdf")
        session.rollback()  # the removal was undone: the file must still be there
        assert store.get(session, "kept.pdf") == b"%PDF kept"
        session.execute(text("SELECT 1"))
        store.delete(session, "kept.pdf")
        assert store.exists(session, "kept.pdf")  # not before the commit
        session.commit()
        assert not store.exists(session, "kept.pdf")
    assert sorted(p.name for p in (tmp_path / "sealed").iterdir()) == []
    engine.dispose()
