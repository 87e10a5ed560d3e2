"""KPI facts from the dossier event log, Decision 766 scores, dashboards, ranking."""
