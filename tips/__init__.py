"""Tip intake: reporter protection, duplicate detection, e-mail parsing and the IMAP mailbox."""
