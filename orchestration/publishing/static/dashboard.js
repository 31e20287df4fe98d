// Public dashboard: tabs, filters (period grain, date range, program), charts and tables, all drawn
// in the page from the data embedded in it (charts through charts.js and the vendored Vega). No
// request leaves the site.
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("dashboard-data").textContent);
  const L = D.labels;
  const F = D.format;
  // The number formats of the page's language as Babel produced them (see locale.format_settings).
  const nf = (d) => ({
    format(v) {
      const [int, frac] = Math.abs(v).toFixed(d).split(".");
      const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, F.group);
      return (v < 0 && Number(Math.abs(v).toFixed(d)) !== 0 ? F.minus : "") + grouped + (frac ? F.decimal + frac : "");
    },
  });
  const DECIMALS = F.decimals;
  const SUPPRESSED = { small_cell: "<11", complementary: "\u2014" };
  const COUNT_UNITS = ["incidents", "people", "staff", "contacts"];
  const SHARE = "share (0..1)";

  // Index the mart rows by key.
  const mv = new Map();
  for (const r of D.mv) mv.set(r.slice(0, 6).join("|"), r);
  const demo = { ppl: new Map(), staff: new Map() };
  for (const src of ["ppl", "staff"]) for (const r of D[src]) demo[src].set(r.slice(0, 5).join("|"), r);

  function esc(s) {
    return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
  }
  function percent(text) { return F.percent_prefix + text + F.percent_suffix; }
  function formatValue(v, unit) {
    const d = DECIMALS[unit] !== undefined ? DECIMALS[unit] : 1;
    if (unit === SHARE) return percent(nf(d).format(v * 100));
    return nf(d).format(v);
  }
  // A cell: {src, key, unit, value, reason, missing}; text and markup as in figures.py.
  function cell(src, key, unit, row, valueIdx) {
    if (!row) return { src, key, unit, value: null, reason: null, missing: true };
    const reason = row[valueIdx + 1];
    return { src, key, unit, value: reason ? null : row[valueIdx], reason: reason || null, missing: false };
  }
  function cellText(c) {
    if (c.notComputed) return c.notComputed;
    if (c.missing) return COUNT_UNITS.includes(c.unit) ? formatValue(0, c.unit) : L.not_available;
    if (c.reason === "complementary" || c.reason === "suppressed") return SUPPRESSED.complementary;
    if (c.reason) return COUNT_UNITS.includes(c.unit) ? SUPPRESSED.small_cell : "n<11";
    return formatValue(c.value, c.unit);
  }
  // The downloaded table's cell, as figures.Figure.csv: a plain number at the printed precision, or the mark.
  function cellCsv(c) {
    if (c.value !== null && c.value !== undefined && !c.reason) {
      const d = DECIMALS[c.unit] !== undefined ? DECIMALS[c.unit] : 1;
      return (c.unit === SHARE ? c.value * 100 : c.value).toFixed(d);
    }
    if (c.missing && !c.notComputed && COUNT_UNITS.includes(c.unit)) return "0";
    return cellText(c);
  }
  function cellHtml(c) {
    const state = c.notComputed ? "not_computed" : c.missing ? "missing" : (c.reason || "value");
    return `<span class="num" data-src="${c.src}" data-key="${esc(c.key)}" data-state="${state}">${esc(cellText(c))}</span>`;
  }
  function metricCell(metric, grain, start, program, dim, dv) {
    const key = [metric, grain, start, program, dim, dv].join("|");
    const c = cell("mv", key, D.units[metric] || "", mv.get(key), 6);
    // the city lacks the data this metric needs: say so instead of a zero
    if (D.not_computed && D.not_computed[metric]) c.notComputed = D.not_computed[metric];
    return c;
  }
  function demoCell(src, grain, start, program, attribute, category) {
    const key = [grain, start, program, attribute, category].join("|");
    return cell(src, key, src === "ppl" ? "people" : "staff", demo[src].get(key), 5);
  }

  // ---- charts -------------------------------------------------------------------------------
  // The specs come from the publisher (charts.py); the page only fills in the rows its filters select.
  // A row carries the figure's mart key and its printed text, as the publisher's own rows do.
  function reasonOf(c) {
    if (c.missing) return "missing";
    if (c.reason === "complementary" || c.reason === "suppressed") return c.reason;
    return COUNT_UNITS.includes(c.unit) ? "small_cell" : "small_base";
  }
  function chartRow(c, fields) {
    const printable = !c.notComputed && (c.value !== null && c.value !== undefined
      || (c.missing && COUNT_UNITS.includes(c.unit)));
    const value = printable ? (c.missing ? 0 : c.value) : null;
    const state = c.notComputed ? "not_computed" : c.missing ? "missing" : (c.reason || "value");
    let text = cellText(c);
    if (value === null && !c.notComputed) text += ` (${D.reasons[reasonOf(c)] || ""})`;
    return Object.assign({}, fields, { value, text, src: c.src, key: c.key, state, hidden: value === null });
  }
  function chartFigure(title) {
    return `<figure class="chart-figure"><figcaption class="chart-title">${esc(title)}</figcaption><div class="vega-chart"></div></figure>`;
  }
  // Charts are drawn once their figure is in the page: [element selector, spec, rows] per chart.
  let pending = [];
  function withRows(spec, rows) {
    return Object.assign({}, spec, { data: Object.assign({}, spec.data, { values: rows }) });
  }
  function drawPending(panel) {
    const charts = panel.querySelectorAll(".vega-chart");
    const jobs = pending.map(([spec, rows], i) => window.arpCharts.embed(charts[i], withRows(spec, rows), D.d3_locale));
    pending = [];
    return Promise.all(jobs);
  }

  // ---- tables and their downloads -------------------------------------------------------------
  const downloads = new Map();
  function csvText(rows) {
    return "\ufeff" + rows.map((r) => r.map((v) => {
      const s = String(v);
      return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    }).join(",")).join("\n") + "\n";
  }
  function tableFigure(id, caption, inner, rows, fileName) {
    downloads.set(id, { rows, fileName });
    return `<figure class="table-figure"><figcaption class="table-caption" id="${id}-caption">${esc(caption)}</figcaption>` +
      `<p class="scroll-hint" hidden>${esc(L.scroll_hint)} \u2192</p>` +
      `<div class="table-wrap" tabindex="0" role="region" aria-labelledby="${id}-caption"><table id="${id}">${inner}</table></div>` +
      `<p class="download"><a class="csv" href="#" download="${esc(fileName)}" data-table="${id}">${esc(L.csv_download)}</a></p></figure>`;
  }
  document.addEventListener("click", (e) => {
    const a = e.target.closest && e.target.closest("a.csv[data-table]");
    if (!a || !downloads.has(a.dataset.table)) return;
    const { rows } = downloads.get(a.dataset.table);
    if (a.dataset.blob) URL.revokeObjectURL(a.dataset.blob);
    a.href = a.dataset.blob = URL.createObjectURL(new Blob([csvText(rows)], { type: "text/csv;charset=utf-8" }));
  }, true);

  // ---- filters ------------------------------------------------------------------------------
  const $ = (id) => document.getElementById(id);
  const state = { tab: D.tabs[0].id, grain: "quarter", from: D.months[0], to: D.months[D.months.length - 1], program: "ALL" };
  function periodsIn(grain) {
    return (D.periods[grain] || []).filter((p) => p.slice(0, 7) >= state.from && p.slice(0, 7) <= state.to);
  }
  function periodLabel(p, grain) { return D.period_labels[grain][p] || p; }

  // One header row, or two when some columns break a metric down (metric over its breakdown values).
  function tableHead(cols) {
    const grouped = cols.some((c) => c.group);
    if (!grouped) return `<thead><tr><th scope="col">${esc(L.period)}</th>` + cols.map((c) => `<th scope="col">${esc(c.label)}</th>`).join("") + "</tr></thead>";
    let top = `<tr><th scope="col" rowspan="2">${esc(L.period)}</th>`, bottom = "<tr>";
    for (let i = 0; i < cols.length; ) {
      const c = cols[i];
      if (!c.group) { top += `<th scope="col" rowspan="2">${esc(c.label)}</th>`; i++; continue; }
      let n = 0;
      while (i + n < cols.length && cols[i + n].group === c.group) { bottom += `<th scope="col">${esc(cols[i + n].label)}</th>`; n++; }
      top += `<th scope="colgroup" colspan="${n}" class="group">${esc(c.group)}</th>`;
      i += n;
    }
    return `<thead>${top}</tr>${bottom}</tr></thead>`;
  }

  function flatLabel(c) { return c.group ? `${c.group}: ${c.label}` : c.label; }

  function renderMetricTab(tab, panel) {
    const periods = periodsIn(state.grain);
    // a metric the city cannot compute keeps its column, which says what it needs (not a silent gap)
    const cols = tab.columns.filter((c) => D.has[[c.metric, state.program].join("|")] || D.not_computed[c.metric]);
    if (!periods.length || !cols.length) { panel.querySelector(".view").innerHTML = `<p class="empty">${esc(L.no_data)}</p>`; return; }
    const grid = cols.map((c) => periods.map((p) => metricCell(c.metric, state.grain, p, state.program, c.dim, c.dv)));
    const chartCols = cols.map((c, i) => [c, i]).filter(([c]) => c.chart && !D.not_computed[c.metric]);
    const rows = [];
    chartCols.forEach(([c, i], si) => periods.forEach((p, pi) => rows.push(chartRow(grid[i][pi], {
      period: D.period_short[state.grain][p], order: pi, series: c.label, series_order: si }))));
    // Monthly figures read as a trend line; quarters and years as grouped bars.
    const kind = (state.grain === "month" && periods.length > 2 ? "line" : "bars") + (rows.some((r) => r.hidden) ? "+hidden" : "");
    const spec = tab.specs[kind];
    let out = "";
    if (rows.length) {
      pending.push([spec, rows]);
      out += chartFigure(L.chart_title_by_period.replace("{title}", tab.title));
    }
    let inner = tableHead(cols) + "<tbody>";
    const csvRows = [[L.period, ...cols.map(flatLabel)]];
    periods.forEach((p, pi) => {
      inner += `<tr><th scope="row">${esc(periodLabel(p, state.grain))}</th>` + cols.map((c, ci) => `<td>${cellHtml(grid[ci][pi])}</td>`).join("") + "</tr>";
      csvRows.push([periodLabel(p, state.grain), ...cols.map((c, ci) => cellCsv(grid[ci][pi]))]);
    });
    out += tableFigure(`table-${tab.id}`, tab.title + " \u00b7 " + (D.program_labels[state.program] || state.program), inner + "</tbody>", csvRows,
      `${tab.id}-${state.grain}-${state.from}-${state.to}-${state.program}.csv`);
    panel.querySelector(".view").innerHTML = out;
    return drawPending(panel);
  }

  function renderDemoTab(tab, panel) {
    const grain = state.grain === "month" ? "quarter" : state.grain;
    const periods = periodsIn(grain);
    const src = tab.source;
    const has = periods.length && D.has[[src, state.program].join("|")];
    if (!has) { panel.querySelector(".view").innerHTML = `<p class="empty">${esc(L.no_data)}</p>`; return; }
    let out = state.grain === "month" ? `<p class="note">${esc(L.demographics_grain_note)}</p>` : "";
    const latest = periods[periods.length - 1];
    out += `<p class="note">${esc(L.latest_period.replace("{period}", periodLabel(latest, grain)))}</p>`;
    for (const attr of tab.attributes) {
      const cats = attr.categories;
      const grid = cats.map((cat) => periods.map((p) => demoCell(src, grain, p, state.program, attr.id, cat.code)));
      out += `<section class="attribute" data-attribute="${esc(attr.id)}"><h3>${esc(attr.label)}</h3>`;
      const barRows = cats.map((cat, i) => chartRow(grid[i][grid[i].length - 1], { label: cat.label, order: i }));
      pending.push([attr.specs[barRows.some((r) => r.hidden) ? "bars+hidden" : "bars"], barRows]);
      out += chartFigure(`${attr.label} \u00b7 ${periodLabel(latest, grain)}`);
      let inner = `<thead><tr><th scope="col">${esc(attr.label)}</th>`;
      inner += periods.map((p) => `<th scope="col">${esc(D.period_short[grain][p])}</th>`).join("") + "</tr></thead><tbody>";
      const rows = [[attr.label, ...periods.map((p) => D.period_short[grain][p])]];
      cats.forEach((cat, i) => {
        inner += `<tr><th scope="row">${esc(cat.label)}</th>` + grid[i].map((c) => `<td>${cellHtml(c)}</td>`).join("") + "</tr>";
        rows.push([cat.label, ...grid[i].map(cellCsv)]);
      });
      out += tableFigure(`table-${tab.id}-${attr.id}`, `${tab.title} \u00b7 ${attr.label}`, inner + "</tbody>", rows,
        `${tab.id}-${attr.id}-${grain}-${state.program}.csv`);
      out += "</section>";
    }
    panel.querySelector(".view").innerHTML = out;
    return drawPending(panel);
  }

  function renderSummaries(tab, panel) {
    const items = D.summaries.filter((s) => s[0].slice(0, 7) >= state.from && s[0].slice(0, 7) <= state.to
      && (state.program === "ALL" || s[1] === state.program));
    if (!items.length) { panel.querySelector(".view").innerHTML = `<p class="empty">${esc(L.no_data)}</p>`; return; }
    panel.querySelector(".view").innerHTML = items.map((s) =>
      `<article class="summary" data-program="${esc(s[1])}"><h3>${esc(D.period_labels.quarter[s[0]] || s[0])} \u00b7 ${esc(D.program_labels[s[1]] || s[1])}</h3><p>${esc(s[2])}</p></article>`).join("");
  }

  function render() {
    pending = [];
    let drawn = Promise.resolve();
    for (const tab of D.tabs) {
      const btn = $("tab-" + tab.id), panel = $("panel-" + tab.id);
      const active = tab.id === state.tab;
      btn.setAttribute("aria-selected", active ? "true" : "false");
      btn.tabIndex = active ? 0 : -1;
      panel.hidden = !active;
      if (!active) continue;
      if (tab.kind === "metrics") drawn = renderMetricTab(tab, panel) || drawn;
      else if (tab.kind === "demographics") drawn = renderDemoTab(tab, panel) || drawn;
      else renderSummaries(tab, panel);
    }
    // Set once the charts are drawn, so a reader (or a test) of this state sees the finished view.
    const rendered = [state.tab, state.grain, state.from, state.to, state.program].join("|");
    drawn.then(() => { document.body.dataset.rendered = rendered; });
    writeUrl();
    if (window.arpMarkTables) window.arpMarkTables();
  }

  // The filters live in the page address (#tab=..&grain=..), so a shared or reloaded link shows the same view.
  function writeUrl() {
    const q = new URLSearchParams({ tab: state.tab, grain: state.grain, from: state.from, to: state.to, program: state.program });
    if (location.hash.slice(1) !== q.toString()) history.replaceState(null, "", "#" + q.toString());
  }
  function readUrl() {
    const q = new URLSearchParams(location.hash.slice(1));
    const ok = {
      tab: (v) => D.tabs.some((t) => t.id === v), grain: (v) => D.grains.some((g) => g[0] === v),
      from: (v) => D.months.includes(v), to: (v) => D.months.includes(v), program: (v) => D.programs.some((p) => p[0] === v),
    };
    for (const k of Object.keys(ok)) if (q.has(k) && ok[k](q.get(k))) state[k] = q.get(k);
    if (state.to < state.from) state.to = state.from;
  }

  function fillSelect(sel, options, value) {
    sel.innerHTML = options.map(([v, label]) => `<option value="${esc(v)}">${esc(label)}</option>`).join("");
    sel.value = value;
  }
  readUrl();
  fillSelect($("f-grain"), D.grains, state.grain);
  fillSelect($("f-from"), D.months.map((m) => [m, D.month_labels[m]]), state.from);
  fillSelect($("f-to"), D.months.map((m) => [m, D.month_labels[m]]), state.to);
  fillSelect($("f-program"), D.programs, state.program);
  $("f-grain").addEventListener("change", (e) => { state.grain = e.target.value; render(); });
  $("f-from").addEventListener("change", (e) => {
    state.from = e.target.value;
    if (state.to < state.from) { state.to = state.from; $("f-to").value = state.to; }
    render();
  });
  $("f-to").addEventListener("change", (e) => {
    state.to = e.target.value;
    if (state.from > state.to) { state.from = state.to; $("f-from").value = state.from; }
    render();
  });
  $("f-program").addEventListener("change", (e) => { state.program = e.target.value; render(); });
  $("f-reset").addEventListener("click", () => {
    Object.assign(state, { grain: "quarter", from: D.months[0], to: D.months[D.months.length - 1], program: "ALL" });
    fillSelect($("f-grain"), D.grains, state.grain);
    $("f-from").value = state.from; $("f-to").value = state.to; $("f-program").value = state.program;
    render();
  });
  const tabIds = D.tabs.map((t) => t.id);
  for (const tab of D.tabs) {
    $("tab-" + tab.id).addEventListener("click", () => { state.tab = tab.id; render(); });
    $("tab-" + tab.id).addEventListener("keydown", (e) => {
      const i = tabIds.indexOf(state.tab);
      if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
        state.tab = tabIds[(i + (e.key === "ArrowRight" ? 1 : tabIds.length - 1)) % tabIds.length];
        render(); $("tab-" + state.tab).focus();
      }
    });
  }
  window.addEventListener("hashchange", () => {
    readUrl();
    $("f-grain").value = state.grain; $("f-from").value = state.from; $("f-to").value = state.to; $("f-program").value = state.program;
    render();
  });
  render();
})();
