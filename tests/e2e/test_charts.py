"""The reports pages' charts (issue 13) in a real browser on a phone: Chart.js draws every chart
of a page without breaking the Content-Security-Policy, a suppressed value stays a gap with
its own words in the tooltip, long school names fit 360 px, Arabic reads right to left, paper
shows the figures and not the menus, and a reader who asked for no movement gets none.

The page is tests/e2e/chart_urls.py (the site's URLs plus one page of three charts, the first
with its table under a disclosure, as the reports pages show long tables)."""

import pytest

from tests import factories

from .chart_urls import ATTENDANCE, NEIGHBOURHOODS, PLACES, SCHOOLS, WEEKS
from .helpers import assert_good_page, log_in

pytestmark = pytest.mark.django_db(transaction=True)

CHART_PAGE = "/test-charts/"
# What the page's charts are, read in the browser from their Chart.js instances.
CHARTS_JS = """() => Array.from(document.querySelectorAll("canvas[data-chart]")).map((canvas) => {
  const chart = Chart.getChart(canvas);
  if (!chart) return null;
  const o = chart.options;
  return {
    id: canvas.dataset.chart, type: chart.config.type, indexAxis: o.indexAxis,
    labels: chart.data.labels, data: chart.data.datasets.map((d) => d.data),
    spanGaps: chart.data.datasets.map((d) => d.spanGaps),
    legendRtl: o.plugins.legend.rtl, tooltipRtl: o.plugins.tooltip.rtl,
    x: {reverse: o.scales.x.reverse, position: o.scales.x.position},
    y: {reverse: o.scales.y.reverse, position: o.scales.y.position},
    ticks: {
      x: chart.scales.x.ticks.map((t) => t.label), y: chart.scales.y.ticks.map((t) => t.label),
    },
    animation: o.animation, width: chart.width, height: chart.height,
    wrapperHeight: canvas.parentElement.getBoundingClientRect().height,
  };
})"""
# Points the mouse at one category of a chart, the way a reader would.
CATEGORY_POINT_JS = """([id, index]) => {
  const canvas = document.querySelector(`canvas[data-chart="${id}"]`);
  canvas.scrollIntoView({block: "center"});
  const chart = Chart.getChart(canvas), area = chart.chartArea;
  const box = canvas.getBoundingClientRect();
  const horizontal = chart.options.indexAxis === "y";
  const at = chart.scales[horizontal ? "y" : "x"].getPixelForValue(index);
  return horizontal
    ? {x: box.left + (area.left + area.right) / 2, y: box.top + at}
    : {x: box.left + at, y: box.top + (area.top + area.bottom) / 2};
}"""
TOOLTIP_JS = """(id) => {
  const tooltip = Chart.getChart(document.querySelector(`canvas[data-chart="${id}"]`)).tooltip;
  if (!tooltip.getActiveElements().length || !tooltip.body) return null;
  return {title: tooltip.title, lines: tooltip.body.flatMap((b) => b.lines)};
}"""


@pytest.fixture
def chart_site(settings):
    """The page of charts."""
    settings.ROOT_URLCONF = "tests.e2e.chart_urls"


@pytest.fixture
def reader(page, chart_site):
    """A Dutch parent signed in (so the menu is there), and a page that records every console
    error, script error and blocked resource (but the site's missing favicon)."""
    parent = factories.UserFactory(language="nl", is_parent=True)
    page.errors = []
    page.on("console", lambda message: _record_error(page, message))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.add_init_script(
        "window.cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', (e) =>"
        " window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));"
    )
    log_in(page, parent.email, factories.PASSWORD)
    return page


def _record_error(page, message) -> None:
    if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
        page.errors.append(f"{message.text} ({message.location['url']})")


def _open(page):
    page.goto(CHART_PAGE)
    # Predicates as functions: Playwright evaluates a bare expression string with eval, which
    # the page's Content-Security-Policy refuses.
    page.wait_for_function("() => document.querySelectorAll('canvas[data-chart]').length === 3")
    charts = {chart["id"]: chart for chart in page.evaluate(CHARTS_JS) if chart}
    assert set(charts) == {"chart-data-places", "chart-data-schools", "chart-data-attendance"}
    return charts


def _assert_clean(page):
    assert_good_page(page)
    assert page.evaluate("window.cspViolations") == []
    assert page.errors == []


def _hover(page, chart_id: str, index: int) -> dict:
    point = page.evaluate(CATEGORY_POINT_JS, [chart_id, index])
    page.mouse.move(point["x"], point["y"])
    page.wait_for_function(f"(id) => ({TOOLTIP_JS})(id) !== null", arg=chart_id)
    return page.evaluate(TOOLTIP_JS, chart_id)


def test_every_chart_draws_on_a_phone_with_suppressed_values_as_gaps(reader):
    charts = _open(reader)
    places, schools, attendance = (
        charts[f"chart-data-{key}"] for key in ("places", "schools", "attendance")
    )
    assert (places["type"], places["indexAxis"]) == ("bar", "x")
    assert (schools["type"], schools["indexAxis"]) == ("bar", "y")
    assert attendance["type"] == "line"
    assert places["data"] == [PLACES]
    assert places["data"][0][1] is None
    assert attendance["data"] == [ATTENDANCE]
    assert attendance["spanGaps"] == [False]
    # Numbers in Dutch; a school's long name cut short on the axis, the tooltip has it whole.
    assert "50%" in attendance["ticks"]["y"]
    assert schools["ticks"]["y"][0].endswith("…") and len(schools["ticks"]["y"][0]) <= 20
    # Twelve schools with two bars each: taller than the 16rem of a chart, and within 360 px.
    assert schools["wrapperHeight"] > 16 * 16
    assert all(chart["width"] <= 360 for chart in charts.values())
    _assert_clean(reader)

    # A suppressed value has no bar to point at; its category still tells why it is empty.
    assert _hover(reader, "chart-data-places", 1) == {"title": ["Zuid"], "lines": ["Plaatsen: < 5"]}
    assert _hover(reader, "chart-data-attendance", 1)["lines"] == ["Aanwezig: 45,5%"]
    assert _hover(reader, "chart-data-attendance", 2)["lines"] == ["Aanwezig: < 5"]
    tooltip = _hover(reader, "chart-data-schools", 0)
    assert tooltip == {"title": [SCHOOLS[0]], "lines": ["Ingeschreven: 40", "Wachtlijst: < 5"]}
    assert reader.errors == []


def test_arabic_charts_read_right_to_left(reader):
    reader.goto(CHART_PAGE)
    reader.get_by_role("button", name="العربية").click()
    reader.wait_for_load_state()
    assert reader.locator("html").get_attribute("dir") == "rtl"
    charts = _open(reader)
    for chart in charts.values():
        assert chart["legendRtl"] is True and chart["tooltipRtl"] is True
    # Columns and weeks run from the right with the values on the right; bars grow leftwards
    # from the names on the right.
    places, schools, attendance = (
        charts[f"chart-data-{key}"] for key in ("places", "schools", "attendance")
    )
    assert places["labels"] == NEIGHBOURHOODS[::-1] and places["data"] == [PLACES[::-1]]
    assert attendance["labels"] == WEEKS[::-1] and attendance["data"] == [ATTENDANCE[::-1]]
    for chart in (places, attendance):
        assert chart["x"]["reverse"] is False and chart["y"]["position"] == "right"
    assert schools["labels"] == SCHOOLS
    assert schools["x"]["reverse"] is True and schools["y"]["position"] == "right"
    # Latin digits, as the tables write them (Arabic marks the percent sign's direction).
    assert "50\u200e%\u200e" in attendance["ticks"]["y"]
    _assert_clean(reader)
    assert _hover(reader, "chart-data-places", 2) == {"title": ["Zuid"], "lines": ["Plaatsen: < 5"]}


def test_print_shows_the_figures_and_not_the_menus(reader):
    _open(reader)
    table = reader.locator("#chart-places table")
    assert not table.is_visible()
    assert not reader.locator(".print-only").is_visible()

    reader.emulate_media(media="print")
    for chrome in (".site-header", ".site-nav", ".site-footer", ".language-switch"):
        assert not reader.locator(chrome).is_visible(), chrome
    assert reader.locator("main h1").is_visible()
    assert reader.locator(".print-only").is_visible()
    assert table.is_visible()
    assert not reader.locator("#chart-places summary").is_visible()
    main_width = reader.evaluate("document.querySelector('main').clientWidth")
    canvas_width = reader.evaluate(
        "document.querySelector('#chart-places canvas').getBoundingClientRect().width"
    )
    assert 0 < canvas_width <= main_width

    # Where the browser prints without ::details-content, the script opens the tables itself,
    # and closes them again afterwards.
    reader.emulate_media(media="screen")
    reader.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert reader.evaluate("document.querySelector('#chart-places details').open") is True
    reader.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert reader.evaluate("document.querySelector('#chart-places details').open") is False
    assert reader.errors == []


def test_no_animation_for_readers_who_ask_for_less_motion(reader):
    charts = _open(reader)
    assert all(chart["animation"] is not False for chart in charts.values())
    # The setting changed while reading: the charts follow (media queries report changes at
    # the browser's next frame, so wait for it).
    reader.emulate_media(reduced_motion="reduce")
    reader.wait_for_function("() => matchMedia('(prefers-reduced-motion: reduce)').matches")
    reader.wait_for_function(
        "() => Object.values(Chart.instances).every((chart) => chart.options.animation === false)"
    )
    reader.reload()
    charts = _open(reader)
    assert all(chart["animation"] is False for chart in charts.values())
