"""Special campaigns (专项行动): phases, task division, inspections, statistics, notices."""
