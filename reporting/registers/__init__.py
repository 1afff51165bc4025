"""Registers (登记册): small lists of events the forms count — 警示教育, 专题学习/培训, 约谈和
三谈一访, 检查监察建议书, 通报, institution-level measures — and the prefill source that
turns them into the forms' cells (``reporting.registers.figures``)."""
