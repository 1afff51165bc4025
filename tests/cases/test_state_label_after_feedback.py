"""A clue whose reporter has been told (登记已反馈) no longer reads 待反馈."""

from cases.models import Clue
from cases.states import ClueState


def test_feedback_recorded_changes_the_status_wording():
    clue = Clue(state=ClueState.FEEDBACK, clocks={"result_feedback": {"due": "2026-12-20"}})
    assert clue.state_label == "待反馈"
    clue.clocks = {"result_feedback": {"due": "2026-12-20", "met_on": "2026-12-04"}}
    assert clue.state_label == "已反馈，待申请销号"
    clue.state = ClueState.PENDING_WRITE_OFF
    assert clue.state_label == "销号待审批"
