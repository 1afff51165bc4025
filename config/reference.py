"""Reference data for institutions, taken from the seeds' statistical forms.

The institution classes and rows are those of 工作量化统计表一 (seed ``000_…``):
二级以上公立 / 其他公立 / 二级以上社会办 / 其他社会办, each split into the rows
the form lists. Codes are English; labels are the forms' own wording.
"""

from __future__ import annotations

from enum import StrEnum


class InstitutionCategory(StrEnum):
    GENERAL_HOSPITAL = "general_hospital"
    SPECIALTY_HOSPITAL = "specialty_hospital"
    TCM_HOSPITAL = "tcm_hospital"
    MATERNAL_CHILD = "maternal_child"
    PRIMARY_CARE = "primary_care"
    CLINIC = "clinic"
    PHYSICAL_EXAM = "physical_exam"
    INDEPENDENT_OTHER = "independent_other"
    OTHER = "other"


CATEGORY_LABELS: dict[InstitutionCategory, str] = {
    InstitutionCategory.GENERAL_HOSPITAL: "综合医院",
    InstitutionCategory.SPECIALTY_HOSPITAL: "专科医院",
    InstitutionCategory.TCM_HOSPITAL: "中医类医院",
    InstitutionCategory.MATERNAL_CHILD: "妇幼保健院",
    InstitutionCategory.PRIMARY_CARE: "社区卫生服务中心/卫生院",
    InstitutionCategory.CLINIC: "诊所/医务室/卫生站",
    InstitutionCategory.PHYSICAL_EXAM: "体检中心",
    InstitutionCategory.INDEPENDENT_OTHER: "血液透析中心/医学检验实验室等其他独立设置机构",
    InstitutionCategory.OTHER: "其他",
}


class Grade(StrEnum):
    LEVEL3 = "level3"
    LEVEL2 = "level2"
    LEVEL1 = "level1"
    UNGRADED = "ungraded"


GRADE_LABELS: dict[Grade, str] = {
    Grade.LEVEL3: "三级",
    Grade.LEVEL2: "二级",
    Grade.LEVEL1: "一级",
    Grade.UNGRADED: "未定级",
}


class Ownership(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"


OWNERSHIP_LABELS: dict[Ownership, str] = {Ownership.PUBLIC: "公立", Ownership.PRIVATE: "社会办"}


class StatClass(StrEnum):
    PUBLIC_L2PLUS = "public_l2plus"
    PUBLIC_OTHER = "public_other"
    PRIVATE_L2PLUS = "private_l2plus"
    PRIVATE_OTHER = "private_other"


STAT_CLASS_LABELS: dict[StatClass, str] = {
    StatClass.PUBLIC_L2PLUS: "二级以上公立医疗机构",
    StatClass.PUBLIC_OTHER: "其他类型公立医疗机构",
    StatClass.PRIVATE_L2PLUS: "二级以上社会办医疗机构",
    StatClass.PRIVATE_OTHER: "其他社会办医疗机构",
}

# The rows of 工作量化统计表一, in the form's order: (code, class, label).
STAT_ROWS: tuple[tuple[str, StatClass, str], ...] = (
    ("pub2_general", StatClass.PUBLIC_L2PLUS, "综合医院"),
    ("pub2_specialty", StatClass.PUBLIC_L2PLUS, "专科医院"),
    ("pub2_tcm", StatClass.PUBLIC_L2PLUS, "中医类医院"),
    ("pub2_maternal", StatClass.PUBLIC_L2PLUS, "妇幼保健院"),
    ("pub2_other", StatClass.PUBLIC_L2PLUS, "其他二级以上公立医疗机构"),
    (
        "pubo_primary",
        StatClass.PUBLIC_OTHER,
        "一级医院、社区卫生服务中心、中心卫生院、乡（镇）卫生院等",
    ),
    ("pubo_clinic", StatClass.PUBLIC_OTHER, "诊所、医务室、卫生站等"),
    ("pubo_other", StatClass.PUBLIC_OTHER, "其他"),
    ("pri2_general", StatClass.PRIVATE_L2PLUS, "综合医院"),
    ("pri2_specialty", StatClass.PRIVATE_L2PLUS, "专科医院"),
    ("pri2_tcm", StatClass.PRIVATE_L2PLUS, "中医类医院"),
    ("pri2_other", StatClass.PRIVATE_L2PLUS, "其他二级以上社会办医疗机构"),
    ("prio_exam", StatClass.PRIVATE_OTHER, "独立设置的体检中心"),
    (
        "prio_independent",
        StatClass.PRIVATE_OTHER,
        "血液透析中心、医学检验实验室等其他独立设置的医疗机构",
    ),
    ("prio_other", StatClass.PRIVATE_OTHER, "一级医院、门诊部、诊所等其他类型机构"),
)

_L2PLUS = (Grade.LEVEL3, Grade.LEVEL2)
_HOSPITAL_ROWS = {
    InstitutionCategory.GENERAL_HOSPITAL: "general",
    InstitutionCategory.SPECIALTY_HOSPITAL: "specialty",
    InstitutionCategory.TCM_HOSPITAL: "tcm",
}


def stat_class(grade: Grade, ownership: Ownership) -> StatClass:
    """The class the forms group institutions by: ownership × (二级以上 or not)."""
    high = grade in _L2PLUS
    if ownership is Ownership.PUBLIC:
        return StatClass.PUBLIC_L2PLUS if high else StatClass.PUBLIC_OTHER
    return StatClass.PRIVATE_L2PLUS if high else StatClass.PRIVATE_OTHER


def stat_row(category: InstitutionCategory, grade: Grade, ownership: Ownership) -> str:
    """The row of 工作量化统计表一 an institution is counted in."""
    cls = stat_class(grade, ownership)
    if cls is StatClass.PUBLIC_L2PLUS:
        if category is InstitutionCategory.MATERNAL_CHILD:
            return "pub2_maternal"
        return "pub2_" + _HOSPITAL_ROWS.get(category, "other")
    if cls is StatClass.PRIVATE_L2PLUS:
        return "pri2_" + _HOSPITAL_ROWS.get(category, "other")
    if cls is StatClass.PUBLIC_OTHER:
        if category is InstitutionCategory.CLINIC:
            return "pubo_clinic"
        if category in (
            InstitutionCategory.PRIMARY_CARE,
            InstitutionCategory.GENERAL_HOSPITAL,
            InstitutionCategory.SPECIALTY_HOSPITAL,
            InstitutionCategory.TCM_HOSPITAL,
            InstitutionCategory.MATERNAL_CHILD,
        ):
            return "pubo_primary"
        return "pubo_other"
    if category is InstitutionCategory.PHYSICAL_EXAM:
        return "prio_exam"
    if category is InstitutionCategory.INDEPENDENT_OTHER:
        return "prio_independent"
    return "prio_other"


def parse_label(enum_cls: type[StrEnum], labels: dict, text: str) -> StrEnum | None:
    """Accept either a code or its Chinese label (as people type them in spreadsheets)."""
    text = (text or "").strip()
    for member in enum_cls:
        if text in (member.value, labels.get(member)):
            return member
    return None


# The posts (岗位) of a person a tip or a clue names: the portal, the intake desk and the
# handling records offer the same list (``tips``, ``cases``).
POSTS: dict[str, str] = {
    "doctor": "医师",
    "nurse": "护士",
    "technician": "医技",
    "admin": "行政",
    "other": "其他",
}
