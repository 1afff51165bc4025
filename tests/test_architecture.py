"""Architecture checks that the import contracts (``lint-imports``) cannot express.

Modules stay small (DESIGN.md, "Rules of the house": about 400 lines at most) and so do
functions (issue 17: about 60). What is over the limit today is listed with its size: it
may shrink, never grow, and leaves the list once it is back under the limit, so the lists
can only get shorter.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 400
# Every Python file of the project except the generated migrations and the virtualenv.
SCANNED = (
    "config",
    "directory",
    "workflow",
    "tips",
    "cases",
    "reporting",
    "campaigns",
    "rectification",
    "supervision",
    "notifications",
    "app_boot",
    "web",
    "tests",
    "bench",
)
# Today's exceptions and their size in lines; shrink them, never add to them.
OVERSIZE: dict[str, int] = {
    "bench/bench_scale.py": 584,
    "tests/security/test_access_matrix.py": 413,
    "reporting/submissions.py": 413,
    "cases/lifecycle.py": 414,  # grew with the route deadlines (issue 15 §7): split next
}


def _sizes() -> dict[str, int]:
    sizes = {}
    for package in SCANNED:
        for path in sorted((ROOT / package).rglob("*.py")):
            with path.open(encoding="utf-8") as handle:
                sizes[path.relative_to(ROOT).as_posix()] = sum(1 for _ in handle)
    return sizes


def test_modules_stay_under_the_limit():
    sizes = _sizes()
    assert len(sizes) > 100  # the scan found the project
    too_long = {
        name: lines
        for name, lines in sizes.items()
        if lines > LIMIT and lines > OVERSIZE.get(name, LIMIT)
    }
    assert not too_long, f"modules over {LIMIT} lines (split them): {too_long}"


def test_the_exception_list_only_shrinks():
    sizes = _sizes()
    stale = {name: sizes.get(name) for name in OVERSIZE if sizes.get(name, 0) <= LIMIT}
    assert not stale, f"back under {LIMIT} lines or gone, remove from OVERSIZE: {stale}"


FUNCTION_LIMIT = 60
PACKAGES = SCANNED[:-2]  # the application, not its tests and benchmarks
# Today's long functions ("module path:function name") and their length in lines.
LONG_FUNCTIONS: dict[str, int] = {
    "workflow/engine.py:fire": 88,
    "tips/service.py:create_tip": 75,
    "directory/importer.py:import_directory": 85,  # grew with row-and-field errors
    "cases/service.py:create_clue": 70,
    "campaigns/demo.py:load_demo": 67,
}


def _function_lengths() -> dict[str, int]:
    lengths: dict[str, int] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    name = f"{path.relative_to(ROOT).as_posix()}:{node.name}"
                    size = (node.end_lineno or node.lineno) - node.lineno + 1
                    lengths[name] = max(size, lengths.get(name, 0))
    return lengths


def test_functions_stay_under_the_limit():
    lengths = _function_lengths()
    too_long = {
        name: size
        for name, size in lengths.items()
        if size > FUNCTION_LIMIT and size > LONG_FUNCTIONS.get(name, FUNCTION_LIMIT)
    }
    assert not too_long, f"functions over {FUNCTION_LIMIT} lines (split them): {too_long}"
    stale = {
        name: lengths.get(name) for name in LONG_FUNCTIONS if lengths.get(name, 0) <= FUNCTION_LIMIT
    }
    assert not stale, f"back under {FUNCTION_LIMIT} lines or gone, remove them: {stale}"


# Issue 17 move 6: one unit of work (web/unit_of_work.py) commits, rolls back and turns a
# domain error into a page or a JSON error; views do none of it themselves. A view that
# must commit early uses ``commit_now()`` (named, so it is seen). Exceptions would be listed
# in UOW_LEFT with their count and a reason; there are none.
UOW_PATTERN = re.compile(r"except\s+\(?[^:\n]*\bDomainError\b|\.rollback\(|\.commit\(")
UOW_LEFT: dict[str, int] = {}


def _unit_of_work_sites() -> dict[str, int]:
    counts = {}
    for path in sorted((ROOT / "web" / "views").rglob("*.py")):
        found = len(UOW_PATTERN.findall(path.read_text(encoding="utf-8")))
        if found:
            counts[path.relative_to(ROOT).as_posix()] = found
    return counts


def test_views_leave_the_unit_of_work_to_the_helper():
    counts = _unit_of_work_sites()
    grown = {name: n for name, n in counts.items() if n > UOW_LEFT.get(name, 0)}
    assert not grown, f"use @unit_of_work (web/unit_of_work.py), not commit/rollback: {grown}"
    stale = {name: counts.get(name, 0) for name, n in UOW_LEFT.items() if counts.get(name, 0) < n}
    assert not stale, f"fewer left than listed, lower UOW_LEFT: {stale}"


# Issue 17 move 2: who may do what is read from ``directory.permissions`` (a capability, or
# ``roles_with``), never from a tuple of roles written where it is used. Outside directory/,
# no literal list, tuple or set names two roles, and no ``in`` / ``.in_()`` compares a role
# against a literal collection of them. A lifecycle step names the roles that fire it
# through a call (``roles(LEADER)``), which this does not count.
def _is_role(node: ast.expr) -> bool:
    if isinstance(node, ast.Call) and len(node.args) == 1:  # str(Role.X)
        node = node.args[0]
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Role"
    )


def _role_collections(tree: ast.AST) -> list[int]:
    unpacked = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Tuple)
    }
    compared = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(
            isinstance(o, ast.In | ast.NotIn) for o in node.ops
        ):
            compared.update(id(c) for c in node.comparators)
        is_call = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        if is_call and node.func.attr == "in_":  # type: ignore[attr-defined]
            compared.update(id(a) for a in node.args)  # type: ignore[attr-defined]
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Tuple | ast.List | ast.Set) or id(node) in unpacked:
            continue
        roles = sum(_is_role(e) for e in node.elts)
        if roles >= 2 or (roles and id(node) in compared):
            found.append(node.lineno)
    return found


def test_no_role_tuples_outside_the_permission_table():
    found = {}
    for package in PACKAGES:
        if package == "directory":
            continue
        for path in sorted((ROOT / package).rglob("*.py")):
            lines = _role_collections(ast.parse(path.read_text(encoding="utf-8")))
            if lines:
                found[path.relative_to(ROOT).as_posix()] = lines
    assert not found, f"name a capability in directory/permissions.py instead: {found}"


def test_the_role_tuple_check_sees_a_tuple():
    sample = "ok = Role(a.role) in (Role.LEADER, Role.ADMIN)\nq = User.role.in_([str(Role.X)])\n"
    assert _role_collections(ast.parse(sample)) == [1, 2]


def _role_comparisons(tree: ast.AST) -> list[int]:
    """Lines comparing with one role (``is Role.X``, ``== Role.X``, ``!=``, ``is not``)."""
    ops = ast.Is | ast.IsNot | ast.Eq | ast.NotEq
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare)
        and any(isinstance(o, ops) for o in node.ops)
        and any(_is_role(c) for c in [node.left, *node.comparators])
    ]


# Single-role checks left, each about who a role *is* rather than what it may do: the home
# page's panels per role, the leaders told of a clue, the directory's rules on a user's unit
# and on an administrator's own account. The list may only shrink; a permission is a
# capability in directory/permissions.py.
ROLE_COMPARISONS_LEFT: dict[str, int] = {
    "directory/service.py": 3,
    "web/views/home.py": 7,
}


def test_single_role_checks_are_capabilities():
    counts = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.name == "permissions.py" and package == "directory":
                continue
            found = _role_comparisons(ast.parse(path.read_text(encoding="utf-8")))
            if found:
                counts[path.relative_to(ROOT).as_posix()] = len(found)
    grown = {n: c for n, c in counts.items() if c > ROLE_COMPARISONS_LEFT.get(n, 0)}
    assert not grown, f"name a capability in directory/permissions.py instead: {grown}"
    stale = {n: counts.get(n, 0) for n, c in ROLE_COMPARISONS_LEFT.items() if counts.get(n, 0) < c}
    assert not stale, f"fewer left than listed, lower ROLE_COMPARISONS_LEFT: {stale}"


def test_the_single_role_check_sees_a_comparison():
    sample = "a = Role(u.role) is Role.LEADER\nb = role != Role.ADMIN\nc = x in (Role.X,)\n"
    assert _role_comparisons(ast.parse(sample)) == [1, 2]


# Issue 17 move 6: page read models live in the packages' ``queries`` modules; views call
# them and render. No view writes a query (``select(``) of its own.
def test_page_queries_live_in_the_packages():
    counts = {}
    for path in sorted((ROOT / "web" / "views").rglob("*.py")):
        found = path.read_text(encoding="utf-8").count("select(")
        if found:
            counts[path.relative_to(ROOT).as_posix()] = found
    assert not counts, f"write the page query in <package>/queries/, not in the view: {counts}"
