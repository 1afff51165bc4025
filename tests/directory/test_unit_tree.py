"""Unit lists read as a tree (``directory.queries.units.tree_order``), not by the stored
path, which is ids as text (/1/10/ sorts before /1/2/)."""

from __future__ import annotations

from types import SimpleNamespace

from directory.queries.units import tree_order


def _unit(id, parent_id, kind, code, name):
    return SimpleNamespace(id=id, parent_id=parent_id, kind=kind, code=code, name=name)


def test_parent_then_offices_then_bodies_then_institutions_at_every_level():
    units = [
        _unit(10, 1, "institution", "P-H01", "省医学检验中心"),
        _unit(2, 1, "city", "C01", "东城市卫生健康委员会"),
        _unit(11, 2, "office", "C01-O01", "党建办"),
        _unit(3, 2, "county", "C01-D01", "清河县卫生健康局"),
        _unit(1, None, "province", "P", "示范省卫生健康委员会"),
        _unit(12, 1, "office", "P-O01", "综合监督处"),
        _unit(13, 3, "institution", "C01-D01-H01", "清河县人民医院"),
    ]
    assert [u.name for u in tree_order(units)] == [
        "示范省卫生健康委员会",
        "综合监督处",
        "东城市卫生健康委员会",
        "党建办",
        "清河县卫生健康局",
        "清河县人民医院",
        "省医学检验中心",
    ]


def test_a_unit_whose_parent_is_not_listed_starts_its_own_tree():
    units = [_unit(5, 4, "county", "C01-D02", "云台区"), _unit(6, 5, "office", "X", "党建办")]
    assert [u.id for u in tree_order(units)] == [5, 6]
