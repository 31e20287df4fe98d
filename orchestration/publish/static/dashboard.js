// Public dashboard: tabs, filters (period grain, date range, program), SVG charts and tables,
// all drawn in the page from the data embedded in it. No request leaves the page.
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("dashboard-data").textContent);
  const L = D.labels;
  // Same rules as locale.py: grouped thousands, fixed decimals, the page language's separators.
  const nf = (d) => ({
    format(v) {
      const [int, frac] = Math.abs(v).toFixed(d).split(".");
      const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, D.group_sep);
      return (v < 0 && Number(Math.abs(v).toFixed(d)) !== 0 ? "-" : "") + grouped + (frac ? D.decimal_sep + frac : "");
    },
  });
  const DECIMALS = D.decimals;
  const SUPPRESSED = { small_cell: "<11", complementary: "\u2014" };
  const COUNT_UNITS = ["incidents", "people", "staff"];
  const COLORS = ["#1b5e8c", "#e07b24", "#3c8d52", "#b23a48", "#7a5ba6", "#8c6d1f", "#2a9d8f", "#6c757d"];

  // Index the mart rows by key.
  const mv = new Map();
  for (const r of D.mv) mv.set(r.slice(0, 6).join("|"), r);
  const demo = { ppl: new Map(), staff: new Map() };
  for (const src of ["ppl", "staff"]) for (const r of D[src]) demo[src].set(r.slice(0, 5).join("|"), r);

  function esc(s) {
    return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
  }
  function formatValue(v, unit) {
    const d = DECIMALS[unit] !== undefined ? DECIMALS[unit] : 1;
    if (unit === "share (0..1)") return nf(d).format(v * 100) + D.percent_suffix;
    return nf(d).format(v);
  }
  // A cell: {src, key, unit, value, reason, missing}; text and markup as in figures.py.
  function cell(src, key, unit, row, valueIdx) {
    if (!row) return { src, key, unit, value: null, reason: null, missing: true };
    const reason = row[valueIdx + 1];
    return { src, key, unit, value: reason ? null : row[valueIdx], reason: reason || null, missing: false };
  }
  function cellText(c) {
    if (c.missing) return c.unit === "minutes" ? L.not_available : formatValue(0, c.unit);
    if (c.reason === "complementary") return SUPPRESSED.complementary;
    if (c.reason) return COUNT_UNITS.includes(c.unit) ? SUPPRESSED.small_cell : "n<11";
    return formatValue(c.value, c.unit);
  }
  function cellHtml(c) {
    const state = c.missing ? "missing" : (c.reason || "value");
    return `<span class="num" data-src="${c.src}" data-key="${esc(c.key)}" data-state="${state}">${esc(cellText(c))}</span>`;
  }
  function metricCell(metric, grain, start, program, dim, dv) {
    const key = [metric, grain, start, program, dim, dv].join("|");
    return cell("mv", key, D.units[metric] || "", mv.get(key), 6);
  }
  function demoCell(src, grain, start, program, attribute, category) {
    const key = [grain, start, program, attribute, category].join("|");
    return cell(src, key, src === "ppl" ? "people" : "staff", demo[src].get(key), 5);
  }

  // ---- charts -------------------------------------------------------------------------------
  // (top, step): a round step (1, 2, 2.5 or 5 x 10^k) giving about four gridlines above zero.
  function niceScale(v) {
    if (!(v > 0)) return [1, 0.25];
    const raw = v / 4, p = Math.pow(10, Math.floor(Math.log10(raw)));
    let step = 10 * p;
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) { step = m * p; break; }
    return [step * Math.ceil(v / step - 1e-9), step];
  }
  function tickText(v, unit) {
    const x = unit === "share (0..1)" ? v * 100 : v;
    const text = nf(Math.abs(x - Math.round(x)) < 1e-9 ? 0 : 1).format(x);
    return unit === "share (0..1)" ? text + D.percent_suffix : text;
  }
  // Vertical grouped bars: categories along x, one bar per series.
  function barChart(categories, series, unit, title) {
    const W = 760, H = 300, left = 56, right = 12, top = 16, bottom = 48;
    const shown = series.flatMap((s) => s.cells.filter((c) => c.value !== null).map((c) => c.value));
    if (!categories.length || !series.length) return "";
    const [max, step] = niceScale(Math.max(0, ...shown));
    const plotW = W - left - right, plotH = H - top - bottom;
    const band = plotW / categories.length, barW = Math.max(2, (band * 0.8) / series.length);
    const y = (v) => top + plotH - (v / max) * plotH;
    let out = `<svg class="chart" viewBox="0 0 ${W} ${H + 22 * Math.ceil(series.length / 3)}" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg">`;
    for (let i = 0; i <= Math.round(max / step); i++) {
      const v = step * i, yy = y(v);
      out += `<line x1="${left}" x2="${W - right}" y1="${yy}" y2="${yy}" class="grid"/>`;
      out += `<text class="tick" x="${left - 6}" y="${yy + 4}" text-anchor="end">${esc(tickText(v, unit))}</text>`;
    }
    const every = Math.ceil(categories.length / 12);
    categories.forEach((cat, ci) => {
      const x0 = left + ci * band + band * 0.1;
      series.forEach((s, si) => {
        const c = s.cells[ci];
        if (c.value === null || c.value === undefined) {
          if (c.reason) out += `<text class="tick suppressed" x="${x0 + si * barW + barW / 2}" y="${top + plotH - 3}" text-anchor="middle">\u00b7</text>`;
          return;
        }
        out += `<rect x="${x0 + si * barW}" y="${y(c.value)}" width="${barW - 1}" height="${top + plotH - y(c.value)}" fill="${COLORS[si % COLORS.length]}"><title>${esc(s.label + " \u2014 " + cat)}</title></rect>`;
      });
      // "Jan 2024" is drawn on two lines (period over year) so twelve months fit side by side.
      const cx = left + ci * band + band / 2, cut = cat.lastIndexOf(" ");
      const lines = cut > 0 ? [cat.slice(0, cut), cat.slice(cut + 1)] : [cat];
      if (ci % every === 0) out += `<text class="tick" x="${cx}" y="${H - bottom + 16}" text-anchor="middle">` +
        lines.map((l, i) => `<tspan x="${cx}" dy="${i ? 14 : 0}">${esc(l)}</tspan>`).join("") + "</text>";
    });
    out += `<line x1="${left}" x2="${W - right}" y1="${top + plotH}" y2="${top + plotH}" class="axis"/>`;
    series.forEach((s, si) => {
      const lx = left + (si % 3) * 240, ly = H + 6 + Math.floor(si / 3) * 22;
      out += `<rect x="${lx}" y="${ly}" width="12" height="12" fill="${COLORS[si % COLORS.length]}"/>`;
      out += `<text class="legend" x="${lx + 18}" y="${ly + 11}">${esc(s.label)}</text>`;
    });
    return out + "</svg>";
  }
  // Horizontal bars for one period (demographics).
  function hbarChart(labels, cells, title) {
    const W = 760, row = 24, left = 190, right = 60, H = labels.length * row + 10;
    const shown = cells.filter((c) => c.value !== null).map((c) => c.value);
    const max = niceScale(Math.max(0, ...shown))[0];
    let out = `<svg class="chart hbar" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg">`;
    labels.forEach((lab, i) => {
      const c = cells[i], yy = 5 + i * row;
      out += `<text class="legend" x="${left - 8}" y="${yy + 15}" text-anchor="end">${esc(lab)}</text>`;
      if (c.value !== null) {
        const w = ((W - left - right) * c.value) / max;
        out += `<rect x="${left}" y="${yy + 3}" width="${Math.max(1, w)}" height="${row - 8}" fill="${COLORS[0]}"><title>${esc(lab)}</title></rect>`;
      } else if (c.reason) {
        out += `<text class="tick suppressed" x="${left + 4}" y="${yy + 15}">${esc(SUPPRESSED[c.reason] || "<11")}</text>`;
      }
    });
    return out + "</svg>";
  }

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

  function renderMetricTab(tab, panel) {
    const periods = periodsIn(state.grain);
    const cols = tab.columns.filter((c) => D.has[[c.metric, state.program].join("|")]);
    if (!periods.length || !cols.length) { panel.querySelector(".view").innerHTML = `<p class="empty">${esc(L.no_data)}</p>`; return; }
    const grid = cols.map((c) => periods.map((p) => metricCell(c.metric, state.grain, p, state.program, c.dim, c.dv)));
    const chartCols = cols.map((c, i) => [c, i]).filter(([c]) => c.chart);
    const series = chartCols.map(([c, i]) => ({ label: c.label, cells: grid[i] }));
    let out = barChart(periods.map((p) => D.period_short[state.grain][p]), series, chartCols.length ? chartCols[0][0].unit : "", tab.title);
    out += `<div class="table-wrap"><table>${tableHead(cols)}<tbody>`;
    periods.forEach((p, pi) => {
      out += `<tr><th scope="row">${esc(periodLabel(p, state.grain))}</th>` + cols.map((c, ci) => `<td>${cellHtml(grid[ci][pi])}</td>`).join("") + "</tr>";
    });
    panel.querySelector(".view").innerHTML = out + "</tbody></table></div>";
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
      out += hbarChart(cats.map((c) => c.label), grid.map((r) => r[r.length - 1]), attr.label);
      out += `<div class="table-wrap"><table><thead><tr><th scope="col">${esc(attr.label)}</th>`;
      out += periods.map((p) => `<th scope="col">${esc(D.period_short[grain][p])}</th>`).join("") + "</tr></thead><tbody>";
      cats.forEach((cat, i) => {
        out += `<tr><th scope="row">${esc(cat.label)}</th>` + grid[i].map((c) => `<td>${cellHtml(c)}</td>`).join("") + "</tr>";
      });
      out += "</tbody></table></div></section>";
    }
    panel.querySelector(".view").innerHTML = out;
  }

  function renderSummaries(tab, panel) {
    const items = D.summaries.filter((s) => s[0].slice(0, 7) >= state.from && s[0].slice(0, 7) <= state.to
      && (state.program === "ALL" || s[1] === state.program));
    if (!items.length) { panel.querySelector(".view").innerHTML = `<p class="empty">${esc(L.no_data)}</p>`; return; }
    panel.querySelector(".view").innerHTML = items.map((s) =>
      `<article class="summary" data-program="${esc(s[1])}"><h3>${esc(D.period_labels.quarter[s[0]] || s[0])} \u00b7 ${esc(D.program_labels[s[1]] || s[1])}</h3><p>${esc(s[2])}</p></article>`).join("");
  }

  function render() {
    for (const tab of D.tabs) {
      const btn = $("tab-" + tab.id), panel = $("panel-" + tab.id);
      const active = tab.id === state.tab;
      btn.setAttribute("aria-selected", active ? "true" : "false");
      btn.tabIndex = active ? 0 : -1;
      panel.hidden = !active;
      if (!active) continue;
      if (tab.kind === "metrics") renderMetricTab(tab, panel);
      else if (tab.kind === "demographics") renderDemoTab(tab, panel);
      else renderSummaries(tab, panel);
    }
    document.body.dataset.rendered = [state.tab, state.grain, state.from, state.to, state.program].join("|");
  }

  function fillSelect(sel, options, value) {
    sel.innerHTML = options.map(([v, label]) => `<option value="${esc(v)}">${esc(label)}</option>`).join("");
    sel.value = value;
  }
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
  render();
})();
