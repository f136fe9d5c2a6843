// The charts of the reports pages (issue 13). Every <canvas data-chart="ID"> draws the spec in
// the JSON script #ID (Django's json_script, templates/reports/_chart.html):
//   {type: "bar"|"line", horizontal, unit: "count"|"percent"|"days", labels,
//    datasets: [{label, data}], suppressed, stacked}
// where a null value is suppressed (too few children to show) or does not apply. The table
// beside each chart is the accessible version; the chart has to read well for everyone else:
// colours colour-blind readers tell apart, the page's language for numbers, right to left for
// Arabic, a phone's width, paper, and no movement for readers who asked for none.
// Loaded with defer after the vendored Chart.js (templates/reports/_chart_scripts.html).
(() => {
  "use strict";
  const Chart = window.Chart;
  if (!Chart) return;

  const root = document.documentElement;
  const rtl = root.dir === "rtl";
  const direction = rtl ? "rtl" : "ltr";
  const css = getComputedStyle(root);
  const ink = css.getPropertyValue("--ink").trim() || "#1b1f24";
  const gridLine = css.getPropertyValue("--line").trim() || "#c9d2da";
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const ANIMATION = { duration: 400 };

  // Okabe-Ito. The four colours with 3:1 contrast on white come first, then black; a line uses
  // only those five. Bars get a dark outline, so orange, sky blue and yellow still stand out
  // from the white page. Lines differ by point shape and dash too, not by colour alone.
  const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9", "#F0E442"];
  const LINE_COLOURS = 5;
  const POINT_STYLES = ["circle", "rect", "triangle", "rectRot", "star"];
  const DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3], [12, 4]];

  // Latin digits in every language, as the table beside the chart and the rest of the site
  // write them (Intl would write Arabic-Indic digits for "ar").
  const numberFormat = (options) => {
    const all = Object.assign({ numberingSystem: "latn", maximumFractionDigits: 1 }, options);
    try {
      return new Intl.NumberFormat(root.lang || undefined, all);
    } catch (error) {
      return new Intl.NumberFormat(undefined, all);
    }
  };
  const UNITS = {
    count: { tick: numberFormat({}), value: numberFormat({}), scale: 1 },
    // Values come as 0-100; Intl writes the sign where the language puts it ("45%", "%45").
    percent: { tick: numberFormat({ style: "percent" }), value: numberFormat({ style: "percent" }), scale: 0.01 },
    days: {
      tick: numberFormat({ style: "unit", unit: "day", unitDisplay: "short" }),
      value: numberFormat({ style: "unit", unit: "day", unitDisplay: "long" }),
      scale: 1,
    },
  };

  Chart.defaults.color = ink;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 13;

  // One category at a time, found from the category axis alone: a category whose values are
  // all suppressed has no bar or point to hover, and its tooltip must still say so.
  Chart.Interaction.modes.category = (chart, event) => {
    const area = chart.chartArea;
    if (!area || event.x < area.left || event.x > area.right || event.y < area.top || event.y > area.bottom) {
      return [];
    }
    const axis = chart.options.indexAxis === "y" ? "y" : "x";
    const index = Math.round(chart.scales[axis].getValueForPixel(event[axis]));
    if (!(index >= 0 && index < chart.data.labels.length)) return [];
    return chart
      .getSortedVisibleDatasetMetas()
      .filter((meta) => meta.data[index])
      .map((meta) => ({ element: meta.data[index], datasetIndex: meta.index, index }));
  };
  // The tooltip sits on its category (where a suppressed value has no element to sit on).
  Chart.Tooltip.positioners.category = function (items, eventPosition) {
    if (!items.length) return false;
    const chart = this.chart;
    const area = chart.chartArea;
    const horizontal = chart.options.indexAxis === "y";
    const at = chart.scales[horizontal ? "y" : "x"].getPixelForValue(items[0].index);
    const clamp = (value, low, high) => Math.min(Math.max(value, low), high);
    const x = eventPosition ? clamp(eventPosition.x, area.left, area.right) : (area.left + area.right) / 2;
    const y = eventPosition ? clamp(eventPosition.y, area.top, area.bottom) : (area.top + area.bottom) / 2;
    return horizontal ? { x, y: at } : { x: at, y };
  };

  const truncate = (text, max) => {
    const characters = Array.from(String(text));
    return characters.length > max ? `${characters.slice(0, max - 1).join("")}…` : String(text);
  };
  // A long category (a school's name) is cut short on the axis; the tooltip has it in full.
  function categoryTick(value) {
    // Fewer characters beside a horizontal bar chart, where the names take the bars' width.
    const max = this.chart.width < 480 ? 14 : this.isHorizontal() ? 28 : 24;
    return truncate(this.getLabelForValue(value), max);
  }

  const barDataset = (dataset, i) => ({
    label: dataset.label,
    data: dataset.data,
    backgroundColor: PALETTE[i % PALETTE.length],
    borderColor: ink,
    borderWidth: 1,
    maxBarThickness: 48,
  });
  // A suppressed value is a gap in the line, never a line drawn across it.
  const lineDataset = (dataset, i) => ({
    label: dataset.label,
    data: dataset.data,
    borderColor: PALETTE[i % LINE_COLOURS],
    backgroundColor: PALETTE[i % LINE_COLOURS],
    borderWidth: 2,
    borderDash: DASHES[i % DASHES.length],
    pointStyle: POINT_STYLES[i % POINT_STYLES.length],
    pointRadius: 3,
    pointHoverRadius: 5,
    fill: false,
    spanGaps: false,
    tension: 0,
  });

  function config(spec) {
    const line = spec.type === "line";
    const horizontal = !line && Boolean(spec.horizontal);
    const stacked = Boolean(spec.stacked);
    const unit = UNITS[spec.unit] || UNITS.count;
    const suppressed = spec.suppressed || "–";
    // Right to left, the categories run from the right: in reverse order rather than on a
    // reversed axis, where Chart.js leaves no room for the leftmost slanted name.
    const flip = rtl && !horizontal ? (values) => values.slice().reverse() : (values) => values;
    const labels = flip(spec.labels);
    const datasets = spec.datasets
      .map((dataset) => Object.assign({}, dataset, { data: flip(dataset.data) }))
      .map(line ? lineDataset : barDataset);
    const categoryAxis = horizontal ? "y" : "x";
    const valueAxis = horizontal ? "x" : "y";
    return {
      type: line ? "line" : "bar",
      data: { labels, datasets },
      options: {
        indexAxis: categoryAxis,
        responsive: true,
        maintainAspectRatio: false,
        animation: reducedMotion.matches ? false : ANIMATION,
        locale: root.lang || undefined,
        spanGaps: false,
        interaction: { mode: "category", intersect: false },
        scales: {
          // Right to left, the values stand on the right, and a horizontal bar grows from the
          // right with its names beside it.
          [categoryAxis]: {
            type: "category",
            position: horizontal ? (rtl ? "right" : "left") : "bottom",
            // Half a category at each end, also for a line: the first and last names fit.
            offset: true,
            stacked,
            grid: { display: false },
            ticks: { callback: categoryTick, autoSkip: !horizontal, maxRotation: 90 },
          },
          [valueAxis]: {
            type: "linear",
            beginAtZero: true,
            reverse: rtl && horizontal,
            position: horizontal ? "bottom" : rtl ? "right" : "left",
            stacked,
            grid: { color: gridLine },
            ticks: {
              callback: (value) => unit.tick.format(value * unit.scale),
              // Whole steps for counts: never "2.5 children".
              precision: unit === UNITS.count ? 0 : undefined,
            },
          },
        },
        plugins: {
          legend: {
            display: datasets.length > 1,
            position: "top",
            rtl,
            textDirection: direction,
            labels: { usePointStyle: line },
          },
          tooltip: {
            position: "category",
            rtl,
            textDirection: direction,
            callbacks: {
              label(item) {
                const raw = item.raw;
                const value = raw === null || raw === undefined ? suppressed : unit.value.format(raw * unit.scale);
                return item.dataset.label ? `${item.dataset.label}: ${value}` : value;
              },
            },
          },
        },
      },
    };
  }

  const isSpec = (spec) =>
    Boolean(spec) &&
    (spec.type === "bar" || spec.type === "line") &&
    Array.isArray(spec.labels) &&
    Array.isArray(spec.datasets) &&
    spec.datasets.every((dataset) => dataset && Array.isArray(dataset.data));

  // A horizontal bar chart is as tall as its categories need (a row each, taller with several
  // bars side by side); element.style is the CSP's allowed way to set it.
  function fitHeight(canvas, spec) {
    const wrapper = canvas.parentElement;
    if (spec.type !== "bar" || !spec.horizontal || !wrapper || !wrapper.classList.contains("chart-canvas")) return;
    const bars = spec.stacked ? 1 : spec.datasets.length;
    const perLabel = Math.max(1.75, bars + 0.75);
    const legend = spec.datasets.length > 1 ? 2.5 : 0;
    wrapper.style.height = `${Math.max(16, spec.labels.length * perLabel + 3 + legend)}rem`;
  }

  function draw(canvas) {
    if (Chart.getChart(canvas)) return;
    const source = document.getElementById(canvas.dataset.chart);
    let spec = null;
    try {
      spec = source && JSON.parse(source.textContent);
    } catch (error) {
      spec = null;
    }
    if (!isSpec(spec)) {
      console.error(`charts.js: no chart spec in #${canvas.dataset.chart}`);
      return;
    }
    fitHeight(canvas, spec);
    new Chart(canvas, config(spec));
  }

  const charts = () => Object.values(Chart.instances);
  const drawIn = (scope) => {
    if (scope.matches && scope.matches("canvas[data-chart]")) draw(scope);
    scope.querySelectorAll("canvas[data-chart]").forEach(draw);
  };
  drawIn(document);
  // Filters may swap a part of the page (htmx): draw what comes in, let go of what leaves.
  document.addEventListener("htmx:load", (event) => drawIn(event.detail.elt));
  document.addEventListener("htmx:beforeCleanupElement", (event) => {
    const chart = event.target instanceof HTMLCanvasElement && Chart.getChart(event.target);
    if (chart) chart.destroy();
  });

  reducedMotion.addEventListener("change", () => {
    charts().forEach((chart) => {
      chart.options.animation = reducedMotion.matches ? false : ANIMATION;
      chart.update("none");
    });
  });

  // On paper a chart takes the printed width, and every table under a closed disclosure
  // prints (site.css opens them too, where the browser supports ::details-content).
  const resize = () => charts().forEach((chart) => chart.resize());
  const openedForPrint = [];
  window.addEventListener("beforeprint", () => {
    document.querySelectorAll("main details:not([open])").forEach((details) => {
      details.open = true;
      openedForPrint.push(details);
    });
    resize();
  });
  window.addEventListener("afterprint", () => {
    openedForPrint.splice(0).forEach((details) => {
      details.open = false;
    });
    resize();
  });
  window.matchMedia("print").addEventListener("change", resize);
})();
