"""The registry of report definitions, by stable code.

``zl1``–``zl3``: 治理情况统计表（一）–（三） (seed ``004_…``); ``lh1``/``lh2``:
工作量化统计表一/二 (seed ``000_…``); free-text reports ``quarterly_progress``,
``annual_summary`` (seed ``002_…``) and ``campaign_summary`` (seeds ``001_…``, ``004_…``).
"""

from __future__ import annotations

from functools import cache

from reporting.formdef import FormDefinition
from reporting.forms.lh1 import LH1
from reporting.forms.lh2 import LH2
from reporting.forms.text_reports import ANNUAL_SUMMARY, CAMPAIGN_SUMMARY, QUARTERLY_PROGRESS
from reporting.forms.zl1 import ZL1
from reporting.forms.zl2 import ZL2
from reporting.forms.zl3 import ZL3

FORMS: dict[str, FormDefinition] = {
    form.code: form
    for form in (ZL1, ZL2, ZL3, LH1, LH2, QUARTERLY_PROGRESS, ANNUAL_SUMMARY, CAMPAIGN_SUMMARY)
}


@cache
def form_for(code: str, year: int) -> FormDefinition:
    """The form as printed for a period of ``year`` (titles and notes carry that year)."""
    return FORMS[code].for_year(year)


__all__ = ["FORMS", "form_for"]
