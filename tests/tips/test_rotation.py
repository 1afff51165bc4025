"""Key rotation re-encrypts every stored identity and quarantined mail under the new key."""

from __future__ import annotations

import json

from tests.conftest import unit, user
from tests.tips.helpers import make_vault
from tips.mailbox import quarantine
from tips.protection import Keyring, rotate_keyfile
from tips.service import Identity, NewTip, create_tip, decrypt_bytes, reencrypt_everything


def test_rotation_reencrypts_identities_and_quarantine(db, tmp_path):
    vault = make_vault(tmp_path)
    clerk = user(db, "clerk")
    tip = create_tip(
        db,
        clerk,
        clerk.unit,
        NewTip(channel="letter", content="反映收红包", named=True, identity=Identity(name="赵六")),
        vault,
    )
    mail = quarantine(db, unit(db, "C01-D01"), b"raw bytes", "test", vault, source="t")
    assert mail is not None
    old_token = tip.identity_token
    rotated = rotate_keyfile(tmp_path / "reporter.key")
    result = reencrypt_everything(db, rotated)
    assert result.rotated == 2 and result.failed == []
    assert tip.identity_token != old_token
    # Only the new key is needed from now on: the old one can be retired.
    newest_only = Keyring(keys=rotated.keys[:1], index_secret=rotated.index_secret)
    assert json.loads(newest_only.decrypt(tip.identity_token or ""))["name"] == "赵六"
    assert decrypt_bytes(newest_only, mail.raw_token) == b"raw bytes"
