"""Fixtures of the workspace tests: the dossier tests' province of offices and officers."""

from haicap.dossiers.testing import province  # noqa: F401 (the fixture)
