"""A small catalogue for the page and API tests: three procedures and one linked chain.

1.001193 birth registration (full-online, free, same day, linked to 1.004222, address field),
1.004222 permanent residence (partly online, 7 working days, 10.000 đ online instead of 20.000),
2.000815 certified copy (per-page tiers with a cap). Loaded through the real service.
"""

from pathlib import Path

from haicap.catalog.services import load_catalog

DIRECTORY = Path(__file__).parent / "catalogue_for_pages"


def load_test_catalogue():
    return load_catalog(DIRECTORY)
