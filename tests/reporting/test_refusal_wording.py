"""A refused report lists its errors as one sentence: no "须为数字。；" doubled punctuation."""

import re

from reporting.checks import CellError, Rule
from reporting.submissions import _refuse


def test_refusal_lists_errors_without_doubled_punctuation():
    errors = [
        CellError(f"r{n}", "c1", Rule.NOT_A_NUMBER, f"第{n}行“人数”须为数字。") for n in range(7)
    ]
    message = _refuse(errors).message
    assert not re.search(r"[。；，][。；，]", message), message
    assert message.endswith("另有 2 处。")
    assert "第0行“人数”须为数字；第1行" in message
