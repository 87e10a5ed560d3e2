"""The open-data catalogue (DCAT): datasets published from the KPI facts, never personal data."""
