from django.contrib.staticfiles import finders


def test_chart_library_is_served_from_the_installed_plotly_package_not_a_cdn():
    found = finders.find("vendor/plotly.min.js")

    assert found is not None and "site-packages/plotly/" in found
    with open(found, "rb") as script:
        assert b"plotly" in script.read(4096).lower()
