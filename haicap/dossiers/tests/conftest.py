"""Fixtures of the dossier tests (builders in `haicap.dossiers.testing`)."""

import pytest

from haicap.dossiers import testing


@pytest.fixture
def province():
    return testing.province()
