"""Browser tests: the pages as a person uses them, on a 360-px phone and by keyboard.

Run with `make e2e` (Debian's chromium, driven by Playwright; no browser is downloaded).
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass

import pytest

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 780}
SHOTS = os.environ.get("HAICAP_E2E_SHOTS", "")


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail("Debian's chromium is missing: run `make chromium`.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo province served by a real server process on its own database, as `make demo`."""
    folder = tmp_path_factory.mktemp("e2e")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'e2e.sqlite3'}",
           "HAICAP_VAR_DIR": str(folder), "HAICAP_SANDBOX_LATENCY_MS": "0"}
    haicap = [sys.executable, "-m", "haicap.manage"]
    subprocess.run([*haicap, "migrate", "--noinput", "-v0"], env=env, check=True)
    loaded = subprocess.run([*haicap, "demo", "--citizens", "60"], env=env, check=True,
                            capture_output=True, text=True)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "haicap.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_served(url)
        yield Demo(url=url, national_ids=re.findall(r"CCCD (\d{12})", loaded.stdout))
    finally:
        server.terminate()
        server.wait(timeout=10)


@dataclass
class Demo:
    url: str
    national_ids: list[str]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_served(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


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
    phone.goto(demo.url + "/")
    shoot(phone, "home.phone")

    assert phone.title().startswith("Cổng dịch vụ công")
    assert fits_phone_width(phone)
    assert phone.console_errors == []


def test_skip_link_is_the_first_keyboard_stop(demo, phone):
    phone.goto(demo.url + "/")
    phone.keyboard.press("Tab")

    assert phone.evaluate("document.activeElement.className") == "skip-link"
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.activeElement.id") == "main"


def test_officer_signs_in_by_keyboard_and_sees_only_their_residents(demo, phone):
    phone.goto(demo.url + "/dang-nhap/")
    phone.focus("#id_username")
    phone.keyboard.type("motcua.haichau")
    phone.keyboard.press("Tab")
    phone.keyboard.type("haicap-demo")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    phone.goto(demo.url + "/can-bo/cu-dan/")
    shoot(phone, "residents.phone")

    communes = phone.locator("tbody td:nth-child(4)").all_inner_texts()
    assert communes, "the officer of Hải Châu sees residents of Hải Châu"
    assert set(communes) == {"Phường Hải Châu"}
    assert fits_phone_width(phone)
    assert phone.console_errors == []


def test_citizen_signs_in_through_the_vneid_sandbox(demo, phone):
    phone.goto(demo.url + "/dang-nhap/")
    phone.click("text=Đăng nhập bằng VNeID")
    assert "SANDBOX" in phone.inner_text("main")
    shoot(phone, "vneid-sandbox.phone")
    phone.fill("#id_national_id", demo.national_ids[0])
    phone.fill("#id_passcode", "123456")
    with phone.expect_navigation(url=demo.url + "/"):
        phone.click("button:has-text('Xác nhận')")

    assert "Đăng xuất" in phone.inner_text("header")
    assert "Đã đăng nhập bằng VNeID" in phone.inner_text("body")
    assert phone.console_errors == []


def test_old_address_is_converted_on_a_phone_by_keyboard(demo, phone):
    phone.goto(demo.url + "/dia-chi/")
    phone.focus("textarea")
    phone.keyboard.type("45 Trần Phú, P. Minh An, TP. Hội An, Quảng Nam")
    phone.keyboard.press("Tab")
    phone.keyboard.press("Enter")
    phone.wait_for_selector("text=Phường Hội An")
    shoot(phone, "address.phone")

    results = phone.inner_text("main")
    assert "Thành phố Đà Nẵng" in results
    assert "20410" in results
    assert fits_phone_width(phone)
    assert phone.console_errors == []


def test_citizen_finds_a_procedure_without_tone_marks_and_sees_field_errors(demo, phone):
    phone.goto(demo.url + "/")
    phone.fill("input[type=search]", "dang ky khai sinh")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    with phone.expect_navigation():
        phone.click("a:text-is('Đăng ký khai sinh')")
    assert "1.001193" in phone.inner_text("main")
    with phone.expect_navigation():
        phone.click("text=Nộp hồ sơ trực tuyến")
    phone.fill("#f-child_birth_date", "31/02/2025")
    phone.fill("#f-applicant_national_id", "003190012345")
    with phone.expect_navigation():
        phone.click("form button[type=submit]")
    shoot(phone, "eform-errors.phone")

    errors = phone.inner_text("#errors")
    assert "Ngày sinh" in errors or "ngày" in errors.lower()
    assert phone.get_attribute("#f-applicant_national_id", "aria-invalid") == "true"
    assert fits_phone_width(phone)
    # The refused form answers 422, which Chromium logs; nothing else may be logged.
    assert [e for e in phone.console_errors if "422" not in e] == []


def test_citizen_files_online_and_finds_the_dossier_in_my_dossiers(demo, phone):
    form = "/thu-tuc/1.004873/nop/"  # marital status certificate: no upload needed
    phone.goto(demo.url + form)
    with phone.expect_navigation():
        phone.click("main a:has-text('Đăng nhập bằng VNeID')")
    phone.fill("#id_national_id", demo.national_ids[1])
    phone.fill("#id_passcode", "123456")
    with phone.expect_navigation(url=demo.url + form):
        phone.click("button:has-text('Xác nhận')")
    assert phone.input_value("#f-applicant_national_id") == demo.national_ids[1]  # from VNeID
    phone.select_option("#f-result_delivery", "online")
    phone.fill("#f-birth_date", "19/08/1997")
    phone.select_option("#f-gender", "female")
    phone.select_option("#f-current_marital_status", "single")
    phone.select_option("#f-purpose", "marriage")
    phone.check("#f-undertaking")
    with phone.expect_navigation():
        phone.click("button:has-text('Nộp hồ sơ')")
    shoot(phone, "filed.phone")

    code = phone.inner_text(".big-code").strip()
    assert "/da-nop/" in phone.url and code
    assert fits_phone_width(phone)
    with phone.expect_navigation():
        phone.click("header a:has-text('Hồ sơ của tôi')")
    shoot(phone, "my-dossiers.phone")
    assert code in phone.inner_text("main")
    assert "Chờ tiếp nhận" in phone.inner_text("main")
    assert fits_phone_width(phone)
    assert phone.console_errors == []


def sign_in(page, url: str, username: str) -> None:
    page.goto(url + "/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", "haicap-demo")
    with page.expect_navigation():
        page.press("#id_password", "Enter")


def test_operations_centre_overview_draws_its_charts_with_tables_on_a_phone(demo, phone):
    sign_in(phone, demo.url, "dieuhanh")
    phone.goto(demo.url + "/dieu-hanh/")
    phone.wait_for_selector(".ioc-chart-drawn", timeout=15000)
    shoot(phone, "ioc-overview.phone")

    assert phone.locator(".ioc-chart-drawn svg").count() > 0  # plotly from the package drew
    assert phone.locator("table").count() >= phone.locator(".ioc-chart").count()
    assert fits_phone_width(phone)
    assert phone.console_errors == []


def test_a_commune_leader_cannot_open_another_communes_figures(demo, phone):
    sign_in(phone, demo.url, "lanhdao.hoian")
    answer = phone.goto(demo.url + "/dieu-hanh/?unit=UB-20242")

    assert answer.status == 403


def test_a_visitor_takes_a_desk_ticket_at_the_kiosk_by_keyboard(demo, phone):
    phone.goto(demo.url + "/so-thu-tu/TTHCC-48/lay-so/")
    phone.locator(".kiosk-button").first.focus()
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    shoot(phone, "ticket.phone")

    assert re.search(r"\b[A-Z]-\d{3}\b", phone.inner_text("main"))
    assert fits_phone_width(phone)
    assert phone.console_errors == []


def test_open_data_catalogue_lists_datasets_and_fits_a_phone(demo, phone):
    phone.goto(demo.url + "/du-lieu-mo/")
    shoot(phone, "opendata.phone")
    datasets = phone.locator("main a[href^='/du-lieu-mo/']")

    assert datasets.count() >= 5
    assert fits_phone_width(phone)
    assert phone.console_errors == []
