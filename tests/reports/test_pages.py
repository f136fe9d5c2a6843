"""The steering pages: who may open which, what they show, exports, and the council text."""

import csv
import io

import pytest
from openpyxl import load_workbook

from reports.models import CouncilReport
from tests import factories
from tests.helpers import login

from .conftest import PERIOD, grow

pytestmark = pytest.mark.django_db

DASHBOARD = "/reports/"
COUNCIL = "/reports/council/"


def _get(client, url, **params):
    return client.get(url, {"period": PERIOD, **params})


def test_a_coordinator_sees_their_municipality_with_charts_tables_and_links(
    client, town, coordinator_of_town
):
    login(client, coordinator_of_town)

    response = _get(client, DASHBOARD)

    assert response.status_code == 200
    page = response.content.decode()
    assert town.municipality.name in page
    assert 'data-chart="chart-data-offer"' in page
    assert "Activities and places" in page
    # Every figure leads to the list behind it: a school row to the school's dashboard.
    assert f"/reports/schools/{town.schools[0].pk}/" in page
    assert "/sessions/?status=open" in page


def test_the_filters_narrow_and_a_wrong_filter_is_a_message_not_an_error(
    client, town, coordinator_of_town
):
    login(client, coordinator_of_town)
    other = town.hoods[1]

    narrowed = _get(client, DASHBOARD, neighbourhood=other.pk)
    wrong = _get(client, DASHBOARD, neighbourhood=999999, start="2026-09-01")

    assert narrowed.context["dashboard"].scope.neighbourhood_id == other.pk
    assert wrong.status_code == 200
    assert wrong.context["form"].errors.keys() >= {"neighbourhood"}
    assert "Fill in both days" in wrong.content.decode()


def test_another_municipalitys_coordinator_sees_only_their_own(client, town):
    outsider = factories.coordinator()
    login(client, outsider)

    response = _get(client, DASHBOARD, municipality=town.municipality.pk)

    assert response.status_code == 200
    assert response.context["dashboard"].scope.municipality_ids != (town.municipality.pk,)
    assert town.schools[0].name not in response.content.decode()


@pytest.mark.parametrize("who", ["parent", "hero", "anonymous"])
def test_parents_heroes_and_strangers_get_no_figures(client, town, who):
    if who == "parent":
        login(client, factories.parent())
    elif who == "hero":
        login(client, factories.HeroFactory(municipality=town.municipality).user)

    for url in (
        DASHBOARD,
        COUNCIL,
        f"/reports/schools/{town.schools[0].pk}/",
        "/reports/national/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), (url, response.status_code)
        if who == "anonymous":
            assert "/accounts/login/" in response["Location"]


def test_staff_see_their_school_and_not_another(client, town):
    staff = factories.staff(town.schools[2])
    login(client, staff)

    own = _get(client, f"/reports/schools/{town.schools[2].pk}/")
    other = _get(client, f"/reports/schools/{town.schools[0].pk}/")
    redirected = client.get(DASHBOARD)

    assert own.status_code == 200
    assert "Fill rate per activity" in own.content.decode()
    assert other.status_code == 404
    assert redirected["Location"] == f"/reports/schools/{town.schools[2].pk}/"


def test_csv_export_is_for_dutch_excel_and_keeps_small_counts_hidden(
    client, town, coordinator_of_town
):
    login(client, coordinator_of_town)

    response = _get(client, DASHBOARD, format="csv", table="offer_schools")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["School", "Activities", "Places"]
    assert rows[-1][0] == "Total"
    for row in rows[1:]:
        for value in row[1:]:
            assert value in ("< 5", "", "0") or not value.isdigit() or int(value) >= 5


def test_xlsx_export_has_numbers_and_every_table_in_one_workbook(client, town, coordinator_of_town):
    login(client, coordinator_of_town)

    one = _get(client, DASHBOARD, format="xlsx", table="offer")
    everything = _get(client, DASHBOARD, format="xlsx", table="all")

    sheet = load_workbook(io.BytesIO(one.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Neighbourhood"
    assert rows[-1][0] == "Total" and rows[-1][3] == 34
    book = load_workbook(io.BytesIO(everything.content))
    # One sheet per table of the dashboard.
    page = _get(client, DASHBOARD)
    assert len(book.sheetnames) == len(page.context["dashboard"].tables) == 12


def test_an_unknown_table_is_a_404(client, town, coordinator_of_town):
    login(client, coordinator_of_town)

    assert _get(client, DASHBOARD, format="csv", table="children").status_code == 404


def test_the_council_text_is_saved_once_per_period_and_printed(client, town, coordinator_of_town):
    login(client, coordinator_of_town)
    url = f"{COUNCIL}?period={PERIOD}"

    first = client.post(url, {"text": "Meer kinderen in Poelenburg."})
    again = client.post(url, {"text": "Meer kinderen in Poelenburg bereikt."})
    page = client.get(url)

    assert first.status_code == again.status_code == 302
    assert CouncilReport.objects.count() == 1
    assert "Meer kinderen in Poelenburg bereikt." in page.content.decode()
    assert "data-print" in page.content.decode()


def test_the_council_text_has_a_limit_with_a_clear_message(client, town, coordinator_of_town):
    login(client, coordinator_of_town)

    response = client.post(f"{COUNCIL}?period={PERIOD}", {"text": "x" * 5001})

    assert response.status_code == 200
    assert "at most 5000 characters" in response.content.decode()
    assert CouncilReport.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        lambda town: DASHBOARD,
        lambda town: COUNCIL,
        lambda town: f"/reports/schools/{town.schools[0].pk}/",
    ],
)
def test_each_page_costs_the_same_queries_at_two_sizes(
    client, town, coordinator_of_town, count_queries, url
):
    login(client, coordinator_of_town)
    address = url(town)

    def fetch():
        assert _get(client, address).status_code == 200

    small = count_queries(fetch)
    grow(town, 2)
    large = count_queries(fetch)

    assert small == large
