"""Browser tests: the pages as a person uses them, on a 360-px phone and by keyboard.

Run with `make e2e` (Debian's chromium, driven by Playwright; no browser is downloaded).
"""

import os
import shutil

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 780}
SHOTS = os.environ.get("HAICAP_E2E_SHOTS", "")


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail("Debian's chromium is missing: run `make chromium`.")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def demo(live_server):
    """The demo province, small: units, calendar, offices, officers and a few citizens."""
    from django.core.management import call_command

    call_command("demo", "--citizens", "40", "--reset", verbosity=0)
    return live_server.url


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()


def shoot(page, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def fits_phone_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_home_page_fits_a_360px_phone_without_console_errors(demo, phone):
    phone.goto(demo + "/")
    shoot(phone, "home.phone")

    assert phone.title().startswith("Cổng dịch vụ công")
    assert fits_phone_width(phone)
    assert phone.console_errors == []


def test_skip_link_is_the_first_keyboard_stop(demo, phone):
    phone.goto(demo + "/")
    phone.keyboard.press("Tab")

    assert phone.evaluate("document.activeElement.className") == "skip-link"
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.activeElement.id") == "main"


def test_officer_signs_in_by_keyboard_and_sees_only_their_residents(demo, phone):
    phone.goto(demo + "/dang-nhap/")
    phone.focus("#id_username")
    phone.keyboard.type("motcua.haichau")
    phone.keyboard.press("Tab")
    phone.keyboard.type("haicap-demo")
    phone.keyboard.press("Enter")
    phone.wait_for_load_state()
    phone.goto(demo + "/can-bo/cu-dan/")
    shoot(phone, "residents.phone")

    communes = phone.locator("tbody td:nth-child(4)").all_inner_texts()
    assert communes, "the officer of Hải Châu sees residents of Hải Châu"
    assert set(communes) == {"Phường Hải Châu"}
    assert fits_phone_width(phone)
    assert phone.console_errors == []


def test_citizen_signs_in_through_the_vneid_sandbox(demo, phone, settings):
    from haicap.core.models import User

    settings.HAICAP_SANDBOX_LATENCY_MS = 0
    citizen = User.objects.filter(role="citizen").order_by("pk").first()
    phone.goto(demo + "/dang-nhap/")
    phone.click("text=Đăng nhập bằng VNeID")
    assert "SANDBOX" in phone.inner_text("main")
    shoot(phone, "vneid-sandbox.phone")
    phone.fill("#id_national_id", citizen.national_id)
    phone.fill("#id_passcode", "123456")
    phone.click("button:has-text('Xác nhận')")
    phone.wait_for_load_state()

    assert citizen.full_name in phone.inner_text("header")
    assert phone.console_errors == []
