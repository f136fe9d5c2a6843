"""Steering in a real browser, on the demo: a coordinator reads charts and tables whose figures
equal plain counts of the demo's rows, narrows them to a neighbourhood and a period, downloads
CSV and Excel, and prints the council report; staff see their school's figures; the national
programme team sees every municipality and nothing personal. Every page passes axe and fits
360 px, in Dutch, English and Arabic (right to left)."""

import csv
import io
import re

import pytest
from django.db.models import Sum
from openpyxl import load_workbook

from activities.models import Activity, Child, Enrolment
from reports.filters import periods
from schools.models import Municipality, Neighbourhood

from .helpers import assert_good_page, log_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "demo-backontrack"
CHARTS_DRAWN = """() => Array.from(document.querySelectorAll("canvas[data-chart]"))
  .map((canvas) => Boolean(Chart.getChart(canvas)))"""


def _cell(page, table: str, row: str, column: int) -> str:
    """The text of a cell of a table on the page: `row` is the row header ("Total")."""
    line = (
        page.locator(f"#table-{table}")
        .locator("xpath=ancestor::table")
        .locator("tr", has=page.locator("th", has_text=re.compile(f"^{re.escape(row)}$")))
    )
    return line.locator("td").nth(column).inner_text().strip()


def _number(text: str) -> int:
    return int(text.replace(".", "").replace(",", ""))


def _in_period(today):
    period = periods(today)[0]
    return Activity.objects.filter(
        school__neighbourhood__municipality__slug="zaanstad",
        status=Activity.Status.PUBLISHED,
        first_date__lte=period.end,
        last_date__gte=period.start,
    )


def test_a_coordinator_steers_by_figures_that_add_up(page, live_server, demo_data):
    from django.utils import timezone

    activities = _in_period(timezone.localdate())
    places = activities.aggregate(n=Sum("capacity"))["n"]
    taken = Enrolment.objects.filter(activity__in=activities, status="confirmed").count()
    log_in(page, "coordinator@demo.test", PASSWORD)
    page.goto("/reports/")

    assert page.locator("h1").inner_text().endswith("Zaanstad")
    assert all(page.evaluate(CHARTS_DRAWN)), "every chart is drawn"
    shown_activities = _cell(page, "offer", "Totaal", 0)
    assert shown_activities == ("< 5" if activities.count() < 5 else str(activities.count()))
    assert _number(_cell(page, "offer", "Totaal", 1)) == places
    assert _number(_cell(page, "offer", "Totaal", 2)) == taken
    assert_good_page(page)

    # Narrow to one neighbourhood: only its row is left.
    hood = Neighbourhood.objects.get(name="Poelenburg")
    page.locator("select[name=neighbourhood]").select_option(str(hood.pk))
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_load_state()
    rows = page.locator("#table-offer").locator("xpath=ancestor::table").locator("tbody tr")
    assert rows.count() == 1 and "Poelenburg" in rows.first.inner_text()

    # A period of our own, and its figures as files.
    page.locator("input[name=start]").fill("2026-09-01")
    page.locator("input[name=end]").fill("2026-11-30")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_load_state()
    assert "2026-09-01" in page.locator("p.lead").inner_text()
    with page.expect_download() as download:
        page.locator("a[href*='format=csv'][href$='table=offer']").first.click()
    text = download.value.path().read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert header[0] == "Wijk"
    with page.expect_download() as download:
        page.locator("a[href*='table=all']").first.click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert len(book.sheetnames) >= 10

    # The council report: write the text, save, and print it as PDF.
    page.goto(f"/reports/council/?period={periods(timezone.localdate())[0].key}")
    page.locator("textarea[name=text]").fill("Poelenburg bereikt meer kinderen dan vorig jaar.")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state()
    assert "Poelenburg bereikt meer kinderen" in page.locator(".council-text").inner_text()
    assert_good_page(page)
    page.emulate_media(media="print")
    assert not page.locator(".site-nav").is_visible()
    assert not page.locator("textarea[name=text]").is_visible()
    assert page.locator(".council-text").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_dashboard_reads_well_in_other_languages(page, live_server, demo_data, language):
    log_in(page, "coordinator@demo.test", PASSWORD)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )

    page.goto("/reports/")

    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert all(page.evaluate(CHARTS_DRAWN))
    assert_good_page(page)


def test_staff_see_their_schools_figures(page, live_server, demo_data):
    log_in(page, "staff.po@demo.test", PASSWORD)

    page.goto("/reports/")

    assert "/reports/schools/" in page.url
    assert page.locator("canvas[data-chart]").count() >= 1
    assert all(page.evaluate(CHARTS_DRAWN))
    assert_good_page(page)


def test_the_programme_team_sees_every_municipality_and_no_child(page, live_server, demo_data):
    log_in(page, "programma@demo.test", PASSWORD)

    page.goto("/reports/national/")

    text = page.locator("main").inner_text()
    for municipality in Municipality.objects.all():
        assert municipality.name in text
    names = set(Child.objects.values_list("first_name", flat=True))
    words = set(re.findall(r"\w+", text))
    assert not names & words, names & words
    assert_good_page(page)
    # A list of children or people is not theirs to open.
    assert page.goto("/activities/manage/").status == 403
    assert page.goto("/heroes/").status == 403
