"""Reporting: the official statistical forms as data, their checks, roll-up and export.

Public API (pure Python, no database, no Flask):

* ``reporting.forms.FORMS: dict[str, FormDefinition]`` — ``zl1``, ``zl2``, ``zl3``,
  ``lh1``, ``lh2``, ``quarterly_progress``, ``annual_summary``, ``campaign_summary``.
* ``reporting.formdef`` — the data model (``FormDefinition``, ``Row``, ``Column``,
  ``Unit``, ``with_rows``).
* ``reporting.checks`` — ``parse_cell``, ``check``, ``compute``.
* ``reporting.rollup`` — ``rollup``, ``rollup_units``, ``by_class``, ``class_code``.
* ``reporting.export`` — ``export_xlsx``, ``export_many``.

With the database (services take a Session and the acting user, flush, never commit):

* ``reporting.obligations`` — ``generate_obligations(session, today)``, ``due_date``,
  ``add_campaign_rule`` (one-off campaign deadlines), ``ensure_default_rules``.
* ``reporting.submissions`` — ``start_draft``, ``save_draft``, ``fire``, ``amend``,
  ``available``, ``review_queue``, ``get_obligation``, ``get_submission``.
* ``reporting.attachments`` — ``add_attachments``, ``remove_attachment``,
  ``attachment_file``, ``panel``, ``files_by_submission`` (files of the free-text reports).
* ``reporting.prefill`` — ``prefill``, ``mismatches``, ``clues_verified``.
* ``reporting.overview`` — ``unit_rollup``, ``compliance``, ``export_submission``,
  ``export_rollup``.
* ``reporting.jobs.JOBS`` — scheduled job specs for the scheduler to collect.
"""
