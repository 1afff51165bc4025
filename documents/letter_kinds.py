"""The letters a clue's steps need (文书), as data: name, the 文种 they are numbered under,
layout (a letter in 公文 format or a table form), and the states where they are offered."""

from __future__ import annotations

from dataclasses import dataclass

from cases.states import ClueState as S

OPEN = tuple(s.value for s in S if s not in (S.NOT_ACCEPTED, S.FORWARDED, S.MERGED, S.WRITTEN_OFF))


@dataclass(frozen=True)
class LetterKind:
    code: str
    name: str
    type_code: str  # the 文种 (documents.register.TYPE_CODES) the 文号 is taken from
    form: bool  # a table form (呈批表, 审批表, 处置卡) rather than a letter
    states: tuple[str, ...]  # clue states in which the letter is offered
    receipt: bool = False  # a 回执 page follows (函询函)
    satisfies: str = ""  # the clue step it records as done (受理告知)


KINDS: dict[str, LetterKind] = {
    k.code: k
    for k in (
        LetterKind(
            "accept_notice", "受理告知书", "notice", False, OPEN, satisfies="notify_acceptance"
        ),
        LetterKind("talk_notice", "谈话函询通知", "letter", False, (S.TALK_INQUIRY.value,)),
        LetterKind(
            "inquiry_letter", "函询函", "letter", False, (S.TALK_INQUIRY.value,), receipt=True
        ),
        LetterKind(
            "verify_approval",
            "初步核实呈批表",
            "approval",
            True,
            (S.TRIAGE.value, S.PENDING_APPROVAL.value, S.VERIFYING.value),
        ),
        LetterKind(
            "referral",
            "移送函",
            "letter",
            False,
            (S.FINDINGS.value, S.DISPOSING.value, S.REFERRED.value, S.TRANSFERRED.value),
        ),
        LetterKind("supervise", "督办函", "letter", False, OPEN),
        LetterKind(
            "feedback",
            "反馈意见书",
            "notice",
            False,
            (S.RESULT_REVIEW.value, S.FEEDBACK.value, S.CONCLUDED.value),
        ),
        LetterKind(
            "closeout_approval",
            "销号审批表",
            "approval",
            True,
            (S.FEEDBACK.value, S.PENDING_WRITE_OFF.value, S.CONCLUDED.value, S.RESULT_REVIEW.value),
        ),
        LetterKind("disposal_card", "问题线索处置卡", "approval", True, tuple(s.value for s in S)),
    )
}


def kind_of(code: str) -> LetterKind:
    from config.errors import NotFound

    kind = KINDS.get(code)
    if kind is None:
        raise NotFound("没有这种文书。")
    return kind


def offered(state: str) -> list[LetterKind]:
    return [k for k in KINDS.values() if state in k.states]
