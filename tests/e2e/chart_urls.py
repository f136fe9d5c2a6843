"""The site's URLs plus one page of charts, for tests/e2e/test_charts.py alone: the charts'
building blocks (templates/reports/_chart.html, static/js/charts.js) apart from the reports
pages. Three charts as the reports app sends them: bars with a suppressed value and its
protected table, a horizontal bar chart of long school names, a line of percentages with a
gap."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from reports.tables import Column, Row, Table, protect

PAGE = """{% extends "base.html" %}
{% block title %}Charts{% endblock %}
{% block content %}
<h1>Charts</h1>
<p class="print-only">Printed report</p>
<dl class="figures">
  {% for label, value in figures %}
    <div class="figure"><dt>{{ label }}</dt><dd>{{ value }}</dd></div>
  {% endfor %}
</dl>
<div class="charts">
  {% for chart in charts %}
    {% include "reports/_chart.html" with chart=chart collapsed=True %}
  {% endfor %}
</div>
{% endblock %}
{% block extra_body %}{% include "reports/_chart_scripts.html" %}{% endblock %}
"""

NEIGHBOURHOODS = ["Noord", "Zuid", "Oost", "West"]
PLACES = [120, None, 33, 58]
SCHOOLS = [
    f"Openbare Basisschool De {name} aan de Lange Laan" for name in ("Vinken", "Reigers", "Uilen")
] + [f"School {number}" for number in range(1, 10)]
WEEKS = [f"Week {number}" for number in range(1, 9)]
ATTENDANCE = [80, 45.5, None, 72, 90, 100, 0, 66]

CHARTS = [
    {
        "key": "places",
        "title": "Plaatsen per wijk",
        "spec": {
            "type": "bar",
            "horizontal": False,
            "unit": "count",
            "labels": NEIGHBOURHOODS,
            "datasets": [{"label": "Plaatsen", "data": PLACES}],
            "suppressed": "< 5",
            "stacked": False,
        },
        # The table as the reports app makes it: Zuid's 3 places hidden, as in the chart.
        "table": protect(
            Table(
                "places",
                "Plaatsen per wijk",
                "Wijk",
                [Column("places", "Plaatsen")],
                [
                    Row(name, name, {"places": 3 if value is None else value})
                    for name, value in zip(NEIGHBOURHOODS, PLACES, strict=True)
                ],
            )
        ),
    },
    {
        "key": "schools",
        "title": "Kinderen per school",
        "spec": {
            "type": "bar",
            "horizontal": True,
            "unit": "count",
            "labels": SCHOOLS,
            "datasets": [
                {"label": "Ingeschreven", "data": [40 + n for n in range(len(SCHOOLS))]},
                {"label": "Wachtlijst", "data": [n % 4 or None for n in range(len(SCHOOLS))]},
            ],
            "suppressed": "< 5",
            "stacked": False,
        },
        "table": None,
    },
    {
        "key": "attendance",
        "title": "Aanwezigheid per week",
        "spec": {
            "type": "line",
            "unit": "percent",
            "labels": WEEKS,
            "datasets": [{"label": "Aanwezig", "data": ATTENDANCE}],
            "suppressed": "< 5",
            "stacked": False,
        },
        "table": None,
    },
]


def chart_page(request):
    template = engines["django"].from_string(PAGE)
    context = {"charts": CHARTS, "figures": [("Kinderen", "1.234"), ("Activiteiten", "56")]}
    return HttpResponse(template.render(context, request))


urlpatterns = [*site_urlpatterns, path("test-charts/", chart_page)]
