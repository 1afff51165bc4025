"""Access-matrix rows and URL values kept beside ``test_access_matrix.py`` (which is at its
size limit): the matrix merges them into ``POLICY``, ``OBJECT_ARGS`` and its URL values.

Each row is the keyword arguments of the matrix's ``Rule_``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DEMO_STAFF = frozenset({"admin", "inspector", "leader", "handler", "clerk", "leader2", "clerk2"})
EVERYONE = DEMO_STAFF | {"reporter"}
LEADERS = frozenset({"leader", "leader2"})
BOARD = frozenset({"inspector"}) | LEADERS
REGISTER_KEEPERS = frozenset({"leader", "handler", "reporter", "leader2"})  # REGISTERS
RULE_KEEPERS = frozenset({"admin", "leader", "handler", "leader2"})  # REPORTS_RULES

CLUE_READERS = DEMO_STAFF - {"admin"}  # Capability.CLUES_READ

ROWS: dict[str, dict[str, Any]] = {
    # The ledger export's progress as JSON (web/static/export_job.js): as exports.show.
    "exports.status": {"roles": DEMO_STAFF - {"admin"}},
    # 重大线索: the clue readers of the jurisdiction (the world's clues are flagged 重大);
    # the 驻委纪检组 member is tested in tests/cases/test_major.py.
    "major.index": {"roles": CLUE_READERS},
    "major.show": {"roles": CLUE_READERS, "scoped": True},
    # 督查通报: everyone reads the notices of their body and the bodies above; leaders
    # (Capability.SUPERVISE) publish. The matrix names notice 0 and expects everyone refused;
    # reading a real one is covered by tests/supervision/test_notices.py.
    "supervision_notices.index": {"roles": EVERYONE},
    "supervision_notices.publish_view": {"roles": LEADERS},
    "supervision_notices.show": {"roles": frozenset()},
    "campaigns.to_clue": {
        "roles": frozenset({"leader", "leader2"}),
        "scoped": True,
        "redirect_refusal": True,
    },
    # The rectification ledger: the issuing body's offices and the responsible unit read it;
    # only the responsible unit (the hospital's reporter) reports an item rectified.
    "rectification.index": {"roles": EVERYONE},
    "rectification.export": {"roles": EVERYONE},
    "rectification.new": {"roles": frozenset({"leader", "handler", "leader2"})},
    "rectification.show": {"roles": EVERYONE, "scoped": True},
    "rectification.fire_view": {"roles": frozenset({"reporter"}), "scoped": True},
    # Supervising the bodies below: leaders and 纪检/督查 (Capability.BOARD) read the board
    # and lists; leaders (Capability.SUPERVISE) mark, lift, draw and record.
    # The world's county leaders have no body below them: a county's own unit is no "lower
    # body" of its board, and the city's marks and samples are not theirs to change.
    "supervision.board_view": {"roles": BOARD},
    "supervision.drill_view": {"roles": frozenset({"inspector"}), "scoped": True},
    "supervision.supervised": {"roles": BOARD},
    "supervision.mark_view": {"roles": LEADERS},
    "supervision.lift_view": {"roles": frozenset(), "scoped": True},
    "supervision.lookback": {"roles": BOARD},
    "supervision.draw_view": {"roles": LEADERS},
    "supervision.sample_outcome": {"roles": frozenset(), "scoped": True},
    # The printable 检查表: staff who read campaigns (Capability.CAMPAIGNS_READ).
    "checklist_print.printable": {"roles": DEMO_STAFF, "scoped": True},
    # Registers (登记册): each body keeps its own; an entry is its body's alone, so the
    # matrix names entry 0 and expects everyone refused (the owner's answer is covered by
    # tests/reporting/test_registers.py).
    "registers.index": {"roles": REGISTER_KEEPERS},
    "registers.show": {"roles": REGISTER_KEEPERS},
    "registers.add": {"roles": REGISTER_KEEPERS},
    "registers.import_entries": {"roles": REGISTER_KEEPERS},
    "registers.export": {"roles": REGISTER_KEEPERS},
    "registers.reply": {"roles": frozenset()},
    # 报送规则: rules and one-off obligations. A rule is changed only by its issuing body
    # (reporting.routing.may_manage): the matrix names rule 0 and expects everyone refused;
    # the issuer's changes are covered by tests/reporting/test_routing.py.
    "report_rules.index": {"roles": RULE_KEEPERS},
    "report_rules.new_oneoff": {"roles": RULE_KEEPERS},
    "report_rules_api.api_rules": {"roles": RULE_KEEPERS},
    "report_rules_api.api_oneoff": {"roles": RULE_KEEPERS},
    "report_rules.recipients": {"roles": frozenset()},
    "report_rules.window": {"roles": frozenset()},
    "report_rules.override": {"roles": frozenset()},
    "report_rules.drop_override": {"roles": frozenset()},
    "report_rules_api.api_recipients": {"roles": frozenset()},
    # 文种与文号: administrators of the body (DIRECTORY_MANAGE), within jurisdiction.
    "documents_admin.types": {"roles": frozenset({"admin"})},
    "documents_admin.type_form": {"roles": frozenset({"admin"}), "scoped": True},
    "documents_admin.void": {"roles": frozenset({"admin"}), "scoped": True},
    # 生成文书 at a clue: its handler and the leaders over it (the matrix drafts the 处置卡,
    # offered in every state). Issued files and templates: the matrix names id 0 (or no
    # query), so everyone is refused; tests/documents cover the owners' answers.
    "letters.compose": {
        "roles": frozenset({"handler", "leader", "leader2"}),
        "scoped": True,
        "reach_all": frozenset(),
    },
    "letters.download": {"roles": frozenset()},
    "letter_templates.index": {"roles": frozenset({"admin"})},
    "letter_templates.show_preview": {"roles": frozenset()},
    "letter_templates.retire": {"roles": frozenset()},
}

# URL argument -> its value on a side of the world (``tests.security.world.Side``).
ARGS: dict[str, Callable[[Any], object]] = {
    "rectification_id": lambda side: side.rectification_id,
    "figure": lambda side: "open",
    "supervised_id": lambda side: side.supervised_id,
    "sample_id": lambda side: side.sample_id,
    "code": lambda side: "warning",
    "entry_id": lambda side: 0,
    "rule_id": lambda side: 0,
    "override_id": lambda side: 0,
    "type_id": lambda side: side.doc_type_id,
    "number_id": lambda side: side.doc_number_id,
    "kind": lambda side: "disposal_card",
    "doc_id": lambda side: 0,
    "fmt": lambda side: "pdf",
    "template_id": lambda side: 0,
    "notice_id": lambda side: 0,
}

# The trigger a ``fire`` URL names, by endpoint prefix (the first that matches).
TRIGGERS = {"reporting": "submit", "rectification": "report_done", "": "propose_route"}
