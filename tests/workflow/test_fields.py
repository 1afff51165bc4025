"""``FieldSpec.clean`` and ``json_schema``: typed values, problems named in Chinese by field."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from config.errors import ValidationError
from workflow.fields import AMOUNT_LIMIT, FieldKind, FieldSpec, Problems, clean

NAME = FieldSpec("name", "姓名", max_len=4)
DAY = FieldSpec("sent_on", "发函日期", FieldKind.DATE)
AMOUNT = FieldSpec("amount", "金额（万元）", FieldKind.DECIMAL, required=False, places=2)
ID = FieldSpec("subject_id", "当事人", FieldKind.RECORD)
KIND = FieldSpec("kind", "类型", FieldKind.CHOICE, choices=(("person", "人员"),))


def test_clean_gives_typed_values_and_empty_for_blank_optional_fields():
    values = clean(
        (NAME, DAY, AMOUNT, ID, KIND),
        {"name": " 张某 ", "sent_on": "2026-06-01", "subject_id": "7", "kind": "person"},
    )
    assert values == {
        "name": "张某",
        "sent_on": date(2026, 6, 1),
        "amount": None,
        "subject_id": 7,
        "kind": "person",
    }
    assert AMOUNT.clean(12.5) == Decimal("12.5")


@pytest.mark.parametrize(
    ("spec", "raw", "message"),
    [
        (NAME, "", "请填写“姓名”。"),
        (NAME, "张三李四王", "“姓名”不能超过 4 个字（现为 5 个字），请删减后重新提交。"),
        (
            NAME,
            "张\x00",
            "“姓名”含有无法保存的字符（空字符或残缺的 Unicode 字符），请删除后重新提交。",
        ),
        (NAME, ["张某"], "“姓名”的值无效。"),
        (DAY, "6月1日", "“发函日期”不是有效日期（格式：2026-06-01）。"),
        (AMOUNT, "-1", "“金额（万元）”须为不小于 0 的数字，最多 2 位小数。"),
        (AMOUNT, "1.234", "“金额（万元）”须为不小于 0 的数字，最多 2 位小数。"),
        (AMOUNT, str(AMOUNT_LIMIT), "“金额（万元）”须为不小于 0 的数字，最多 2 位小数。"),
        (AMOUNT, True, "“金额（万元）”须为不小于 0 的数字，最多 2 位小数。"),
        (ID, None, "请选择“当事人”。"),
        (ID, 2**31, "“当事人”的值无效。"),
        (ID, 0, "“当事人”的值无效。"),
        (KIND, "robot", "“类型”的值无效。"),
    ],
)
def test_each_problem_is_a_validation_error_naming_the_field(spec, raw, message):
    with pytest.raises(ValidationError) as err:
        spec.clean(raw)
    assert err.value.message == message and err.value.details == {spec.name: message}


def test_clean_names_every_bad_field_at_once_and_problems_keep_collecting():
    with pytest.raises(ValidationError) as err:
        clean((NAME, DAY, ID), {"sent_on": "x", "subject_id": 3})
    assert set(err.value.details) == {"name", "sent_on"}
    problems = Problems()
    values = problems.clean((NAME, DAY), {"name": "张某", "sent_on": "x"})
    assert values == {"name": "张某", "sent_on": None}
    problems.error("name", "姓名重复。")
    with pytest.raises(ValidationError) as err:
        problems.done()
    assert set(err.value.details) == {"name", "sent_on"}


def test_json_schema_follows_the_declaration():
    assert NAME.json_schema() == {"type": "string", "maxLength": 4, "description": "姓名"}
    assert AMOUNT.json_schema()["type"] == ["string", "number", "null"]
    assert KIND.json_schema()["enum"] == ["person"]
    assert ID.json_schema()["minimum"] == 1


CALLED = FieldSpec("notified_at", "告知时间", FieldKind.DATETIME, required=False)


@time_machine.travel(datetime(2026, 12, 5, 6, 0, tzinfo=UTC), tick=False)  # 14:00 in Beijing
def test_a_moment_is_local_time_stored_in_utc_and_never_in_the_future():
    assert CALLED.clean("2026-12-05T09:30") == datetime(2026, 12, 5, 1, 30, tzinfo=UTC)
    assert CALLED.clean("2026-12-05 09:30:15") == datetime(2026, 12, 5, 1, 30, 15, tzinfo=UTC)
    assert CALLED.clean("") is None
    assert CALLED.shown("2026-12-05T01:30:00+00:00") == "2026年12月5日 09:30"
    assert CALLED.answer(datetime(2026, 12, 5, 1, 30, tzinfo=UTC)) == "2026-12-05T01:30:00+00:00"
    assert CALLED.json_schema()["format"] == "date-time"
    for raw, message in [
        ("2026-12-05T14:30", "“告知时间”不能晚于现在。"),
        ("2026-12-05", "“告知时间”不是有效时间（格式：2026-06-01 14:30）。"),
        ("昨天下午", "“告知时间”不是有效时间（格式：2026-06-01 14:30）。"),
        ("2026-13-40T25:99", "“告知时间”不是有效时间（格式：2026-06-01 14:30）。"),
        ("0001-01-01T00:00", "“告知时间”不是有效时间（格式：2026-06-01 14:30）。"),
        ("<script>alert(1)</script>", "“告知时间”不是有效时间（格式：2026-06-01 14:30）。"),
    ]:
        with pytest.raises(ValidationError) as refused:
            CALLED.clean(raw)
        assert refused.value.details == {"notified_at": message}, raw
