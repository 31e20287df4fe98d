// Public dashboard: tabs, filters (period grain, date range, program), SVG charts and tables,
// all drawn in the page from the data embedded in it. No request leaves the page.
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
  const COLORS = D.colors;

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
    if (c.missing && COUNT_UNITS.includes(c.unit)) return "0";
    return cellText(c);
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
  // Drawn at the width of their box (viewBox = pixels), so text is 12 px on a phone and on a desktop.
  const FONT = 12;
  function niceScale(v) {
    if (!(v > 0)) return [1, 0.25];
    const raw = v / 4, p = Math.pow(10, Math.floor(Math.log10(raw)));
    let step = 10 * p;
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) { step = m * p; break; }
    return [step * Math.ceil(v / step - 1e-9), step];
  }
  function tickText(v, unit) {
    const x = unit === SHARE ? v * 100 : v;
    const text = nf(Math.abs(x - Math.round(x)) < 1e-9 ? 0 : 1).format(x);
    return unit === SHARE ? percent(text) : text;
  }
  function legendHtml(labels) {
    if (labels.length < 2) return "";
    return `<ul class="legend">` + labels.map((l, i) =>
      `<li><span class="swatch" style="background:${COLORS[i % COLORS.length]}"></span>${esc(l)}</li>`).join("") + "</ul>";
  }
  function figureHtml(title, svg, legend) {
    return `<figure class="chart-figure"><figcaption class="chart-title">${esc(title)}</figcaption>${svg}${legend || ""}</figure>`;
  }
  function axisTitles(W, H, left, plotW, top, plotH, xTitle, yTitle) {
    return `<text class="axis-title" x="${left + plotW / 2}" y="${H - 6}" text-anchor="middle">${esc(xTitle)}</text>` +
      `<text class="axis-title" transform="translate(14 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(yTitle)}</text>`;
  }
  // Vertical grouped bars: categories along x, one bar per series; each bar's tooltip gives its value.
  function barChart(categories, series, unit, title, xTitle, yTitle, width) {
    if (!categories.length || !series.length) return "";
    const W = Math.max(280, Math.round(width)), H = W < 500 ? 260 : 300;
    const left = 68, right = 10, top = 14, bottom = 62;
    const shown = series.flatMap((s) => s.cells.filter((c) => c.value !== null).map((c) => c.value));
    const [max, step] = niceScale(Math.max(0, ...shown));
    const plotW = W - left - right, plotH = H - top - bottom;
    const band = plotW / categories.length, barW = Math.max(1.5, (band * 0.8) / series.length);
    const y = (v) => top + plotH - (v / max) * plotH;
    const longest = Math.max(...categories.map((c) => Math.max(...c.split(" ").map((p) => p.length))));
    const every = Math.max(1, Math.ceil((longest * FONT * 0.65 + 6) / band));
    let out = `<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg">`;
    for (let i = 0; i <= Math.round(max / step); i++) {
      const v = step * i, yy = y(v);
      out += `<line x1="${left}" x2="${W - right}" y1="${yy}" y2="${yy}" class="grid"/>`;
      out += `<text class="tick" x="${left - 6}" y="${yy + 4}" text-anchor="end">${esc(tickText(v, unit))}</text>`;
    }
    categories.forEach((cat, ci) => {
      const x0 = left + ci * band + band * 0.1;
      series.forEach((s, si) => {
        const c = s.cells[ci];
        if (c.value === null || c.value === undefined) return;
        const tip = `${s.label} \u00b7 ${cat}: ${cellText(c)}`;
        out += `<rect x="${x0 + si * barW}" y="${y(c.value)}" width="${Math.max(1, barW - 1)}" height="${top + plotH - y(c.value)}" fill="${COLORS[si % COLORS.length]}"><title>${esc(tip)}</title></rect>`;
      });
      const cx = left + ci * band + band / 2, cut = cat.lastIndexOf(" ");
      const lines = cut > 0 ? [cat.slice(0, cut), cat.slice(cut + 1)] : [cat];
      if (ci % every === 0) out += `<text class="tick" x="${cx}" y="${top + plotH + 16}" text-anchor="middle">` +
        lines.map((l, i) => `<tspan x="${cx}" dy="${i ? 14 : 0}">${esc(l)}</tspan>`).join("") + "</text>";
    });
    out += `<line x1="${left}" x2="${W - right}" y1="${top + plotH}" y2="${top + plotH}" class="axis"/>`;
    out += axisTitles(W, H, left, plotW, top, plotH, xTitle, yTitle);
    return figureHtml(title, out + "</svg>", legendHtml(series.map((s) => s.label)));
  }
  // Monthly series as lines, so a trend reads at a glance; a hidden month leaves a gap, never a dip to zero.
  function lineChart(categories, series, unit, title, xTitle, yTitle, width) {
    if (!categories.length || !series.length) return "";
    const W = Math.max(280, Math.round(width)), H = W < 500 ? 260 : 300;
    const left = 68, right = 14, top = 14, bottom = 62;
    const shown = series.flatMap((s) => s.cells.filter((c) => c.value !== null).map((c) => c.value));
    const [max, step] = niceScale(Math.max(0, ...shown));
    const plotW = W - left - right, plotH = H - top - bottom;
    const band = plotW / categories.length;
    const x = (i) => left + band * i + band / 2, y = (v) => top + plotH - (v / max) * plotH;
    const longest = Math.max(...categories.map((c) => Math.max(...c.split(" ").map((p) => p.length))));
    const every = Math.max(1, Math.ceil((longest * FONT * 0.65 + 6) / band));
    let out = `<svg class="chart line" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg">`;
    for (let i = 0; i <= Math.round(max / step); i++) {
      const v = step * i, yy = y(v);
      out += `<line x1="${left}" x2="${W - right}" y1="${yy}" y2="${yy}" class="grid"/>`;
      out += `<text class="tick" x="${left - 6}" y="${yy + 4}" text-anchor="end">${esc(tickText(v, unit))}</text>`;
    }
    series.forEach((s, si) => {
      const color = COLORS[si % COLORS.length];
      let path = "", pen = false;
      s.cells.forEach((c, ci) => {
        if (c.value === null || c.value === undefined) { pen = false; return; }
        path += `${pen ? "L" : "M"}${x(ci).toFixed(1)} ${y(c.value).toFixed(1)} `;
        pen = true;
      });
      if (path) out += `<path d="${path.trim()}" fill="none" stroke="${color}" stroke-width="2.5"/>`;
      s.cells.forEach((c, ci) => {
        if (c.value === null || c.value === undefined) return;
        out += `<circle cx="${x(ci)}" cy="${y(c.value)}" r="4" fill="${color}"><title>${esc(`${s.label} \u00b7 ${categories[ci]}: ${cellText(c)}`)}</title></circle>`;
      });
    });
    categories.forEach((cat, ci) => {
      if (ci % every) return;
      const cut = cat.lastIndexOf(" "), lines = cut > 0 ? [cat.slice(0, cut), cat.slice(cut + 1)] : [cat];
      out += `<text class="tick" x="${x(ci)}" y="${top + plotH + 16}" text-anchor="middle">` +
        lines.map((l, i) => `<tspan x="${x(ci)}" dy="${i ? 14 : 0}">${esc(l)}</tspan>`).join("") + "</text>";
    });
    out += `<line x1="${left}" x2="${W - right}" y1="${top + plotH}" y2="${top + plotH}" class="axis"/>`;
    out += axisTitles(W, H, left, plotW, top, plotH, xTitle, yTitle);
    return figureHtml(title, out + "</svg>", legendHtml(series.map((s) => s.label)));
  }
  // Horizontal bars for one period (demographics): the label sits above its bar, so it never collides.
  function hbarChart(labels, cells, title, xTitle, yTitle, width) {
    const W = Math.max(280, Math.round(width)), row = 40, left = 34, right = 16, top = 6;
    const H = top + labels.length * row + 44, base = top + labels.length * row, plotW = W - left - right;
    const shown = cells.filter((c) => c.value !== null).map((c) => c.value);
    const [max, step] = niceScale(Math.max(0, ...shown));
    const x = (v) => left + (v / max) * plotW;
    let out = `<svg class="chart hbar" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg">`;
    for (let i = 0; i <= Math.round(max / step); i++) {
      const v = step * i, anchor = i === 0 ? "start" : x(v) > W - 40 ? "end" : "middle";
      out += `<line x1="${x(v)}" x2="${x(v)}" y1="${top}" y2="${base}" class="grid"/>`;
      out += `<text class="tick" x="${x(v)}" y="${base + 16}" text-anchor="${anchor}">${esc(tickText(v, "people"))}</text>`;
    }
    labels.forEach((lab, i) => {
      const c = cells[i], yy = top + i * row;
      out += `<text class="legend" x="${left}" y="${yy + 14}">${esc(lab)}</text>`;
      if (c.value !== null) {
        out += `<rect x="${left}" y="${yy + 20}" width="${Math.max(1, x(c.value) - left)}" height="14" fill="${COLORS[0]}"><title>${esc(lab + ": " + cellText(c))}</title></rect>`;
      } else if (c.reason) {
        out += `<text class="tick suppressed" x="${left}" y="${yy + 32}">${esc(cellText(c))}</text>`;
      }
    });
    out += axisTitles(W, H, left, plotW, top, labels.length * row, xTitle, yTitle);
    return figureHtml(title, out + "</svg>", "");
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
  // The width a chart figure gets (the stylesheet caps figures at 900 px).
  function viewWidth(panel) { return Math.min(900, panel.querySelector(".view").clientWidth || 700); }

  function renderMetricTab(tab, panel) {
    const periods = periodsIn(state.grain);
    const cols = tab.columns.filter((c) => D.has[[c.metric, state.program].join("|")]);
    if (!periods.length || !cols.length) { panel.querySelector(".view").innerHTML = `<p class="empty">${esc(L.no_data)}</p>`; return; }
    const grid = cols.map((c) => periods.map((p) => metricCell(c.metric, state.grain, p, state.program, c.dim, c.dv)));
    const chartCols = cols.map((c, i) => [c, i]).filter(([c]) => c.chart);
    const series = chartCols.map(([c, i]) => ({ label: c.label, cells: grid[i] }));
    const unit = chartCols.length ? chartCols[0][0].unit : "";
    const draw = state.grain === "month" && periods.length > 2 ? lineChart : barChart;
    let out = draw(periods.map((p) => D.period_short[state.grain][p]), series, unit,
      L.chart_title_by_period.replace("{title}", tab.title), L.axis_period, D.unit_labels[unit] || unit, viewWidth(panel));
    let inner = tableHead(cols) + "<tbody>";
    const rows = [[L.period, ...cols.map(flatLabel)]];
    periods.forEach((p, pi) => {
      inner += `<tr><th scope="row">${esc(periodLabel(p, state.grain))}</th>` + cols.map((c, ci) => `<td>${cellHtml(grid[ci][pi])}</td>`).join("") + "</tr>";
      rows.push([periodLabel(p, state.grain), ...cols.map((c, ci) => cellCsv(grid[ci][pi]))]);
    });
    out += tableFigure(`table-${tab.id}`, tab.title + " \u00b7 " + (D.program_labels[state.program] || state.program), inner + "</tbody>", rows,
      `${tab.id}-${state.grain}-${state.from}-${state.to}-${state.program}.csv`);
    panel.querySelector(".view").innerHTML = out;
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
    const width = viewWidth(panel);
    for (const attr of tab.attributes) {
      const cats = attr.categories;
      const grid = cats.map((cat) => periods.map((p) => demoCell(src, grain, p, state.program, attr.id, cat.code)));
      out += `<section class="attribute" data-attribute="${esc(attr.id)}"><h3>${esc(attr.label)}</h3>`;
      out += hbarChart(cats.map((c) => c.label), grid.map((r) => r[r.length - 1]),
        `${attr.label} \u00b7 ${periodLabel(latest, grain)}`, D.unit_labels[src === "ppl" ? "people" : "staff"], attr.label, width);
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
  // Charts are drawn to their box's width: redraw when the box changes size (phone rotation, window).
  let lastWidth = 0, timer = null;
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const w = document.getElementById("main").clientWidth;
      if (w !== lastWidth) { lastWidth = w; render(); }
    }, 120);
  });
  window.addEventListener("hashchange", () => {
    readUrl();
    $("f-grain").value = state.grain; $("f-from").value = state.from; $("f-to").value = state.to; $("f-program").value = state.program;
    render();
  });
  lastWidth = document.getElementById("main").clientWidth;
  render();
})();
