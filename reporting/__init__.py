"""Reporting: the official statistical forms as data, their checks, roll-up and export.

Public API (pure Python, no database, no Flask):

* ``reporting.forms.FORMS: dict[str, FormDefinition]`` — ``zl1``, ``zl2``, ``zl3``,
  ``lh1``, ``lh2``, ``quarterly_progress``, ``annual_summary``, ``campaign_summary``.
* ``reporting.formdef`` — the data model (``FormDefinition``, ``Row``, ``Column``,
  ``Unit``, ``with_rows``).
* ``reporting.checks`` — ``parse_cell``, ``check``, ``compute``.
* ``reporting.rollup`` — ``rollup``, ``rollup_units``, ``by_class``, ``class_code``.
* ``reporting.export`` — ``export_xlsx``, ``export_many``.
"""
