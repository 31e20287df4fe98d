"""What a reader sees of a page's layout, measured in the real browser: overflow, chart text size,
chart titles and axis titles, legends, table scroll cues and captions, and tables as data."""

from __future__ import annotations

# Returns a list of problems (empty when the page is fine) for the visible part of the page.
LAYOUT_PROBLEMS_JS = r"""(minPx) => {
  const problems = [];
  const vw = window.innerWidth;
  const visible = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const over = document.documentElement.scrollWidth - vw;
  if (over > 0) problems.push(`the page is ${over}px wider than the ${vw}px window`);
  const shown = Array.from(document.querySelectorAll('svg.chart')).filter(visible);
  const overlaps = (r, q) => r.left < q.right - 0.5 && q.left < r.right - 0.5 && r.top < q.bottom - 0.5 && q.top < r.bottom - 0.5;
  for (const svg of shown) {
    const fig = svg.closest('figure.chart-figure');
    const title = fig && fig.querySelector('.chart-title');
    const name = title ? title.textContent : '?';
    if (!title || !title.textContent.trim()) problems.push('a chart without a title');
    // Axis titles: Vega's (role-axis-title) or a hand-made chart's (text.axis-title).
    const axes = Array.from(svg.querySelectorAll('.role-axis-title text, text.axis-title')).filter((t) => t.textContent.trim());
    // A map (geographic shapes) has no axes; every other chart names both of its axes.
    if (axes.length < 2 && !svg.querySelector('.mark-shape')) problems.push(`chart "${name}" has ${axes.length} axis titles`);
    const box = svg.getBoundingClientRect();
    for (const t of svg.querySelectorAll('text')) {
      if (!visible(t) || !t.textContent.trim()) continue;
      const m = t.getScreenCTM();
      const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
      if (px < minPx) problems.push(`chart text "${t.textContent}" renders at ${px.toFixed(1)}px`);
      // Text cut by the chart's own edge (a legend or label wider than the drawing) is clipped.
      const r = t.getBoundingClientRect();
      if (r.right > box.right + 1 || r.left < box.left - 1 || r.bottom > box.bottom + 1 || r.top < box.top - 1)
        problems.push(`chart "${name}": text "${t.textContent}" is clipped by the chart's edge`);
    }
    if (box.right > vw + 0.5 || box.left < -0.5) problems.push(`chart "${name}" is cut off`);
    // Legends drawn in the chart: entries never overlap, and each entry of a symbol legend has its own colour.
    for (const legend of svg.querySelectorAll('.role-legend')) {
      const labels = Array.from(legend.querySelectorAll('.role-legend-label text')).filter((t) => t.textContent.trim());
      const rects = labels.map((t) => t.getBoundingClientRect());
      rects.forEach((r, i) => rects.slice(i + 1).forEach((q, j) => {
        if (overlaps(r, q)) problems.push(`legend entries "${labels[i].textContent}" and "${labels[i + 1 + j].textContent}" overlap`);
      }));
      const symbols = Array.from(legend.querySelectorAll('.role-legend-symbol path'));
      if (symbols.length > 1) {
        const colors = new Set(symbols.map((p) => (p.getAttribute('fill') !== 'none' && p.getAttribute('fill')) || p.getAttribute('stroke')));
        if (colors.size !== symbols.length) problems.push(`a legend of ${symbols.length} series uses ${colors.size} colours`);
      }
    }
  }
  for (const wrap of Array.from(document.querySelectorAll('.table-wrap')).filter(visible)) {
    const hint = wrap.parentElement.querySelector('.scroll-hint');
    if (wrap.scrollWidth > wrap.clientWidth + 1 && !(hint && visible(hint)))
      problems.push(`table ${wrap.querySelector('table').id} scrolls with no visible cue`);
  }
  for (const cap of Array.from(document.querySelectorAll('figcaption, caption, .table-caption')).filter(visible)) {
    const r = cap.getBoundingClientRect();
    if (r.right > vw + 0.5 || cap.scrollWidth > cap.clientWidth + 1) problems.push(`caption "${cap.textContent}" is clipped`);
  }
  for (const a of Array.from(document.querySelectorAll('.answer')).filter(visible)) {
    if (/\u2014|<11/.test(a.textContent)) problems.push(`a sentence prints a suppression mark: "${a.textContent}"`);
  }
  return problems;
}"""

# A table as [header labels, ...rows]: each header label joins the header cells above the column
# ("metric: breakdown"); each body cell is {text, state} (state from its figure, '' for a row label).
TABLE_JS = r"""(id) => {
  const table = document.getElementById(id);
  const grid = [];
  Array.from(table.tHead.rows).forEach((tr, r) => {
    grid[r] = grid[r] || [];
    let c = 0;
    for (const cell of tr.cells) {
      while (grid[r][c] !== undefined) c++;
      for (let dr = 0; dr < cell.rowSpan; dr++) for (let dc = 0; dc < cell.colSpan; dc++) {
        grid[r + dr] = grid[r + dr] || [];
        grid[r + dr][c + dc] = cell;
      }
      c += cell.colSpan;
    }
  });
  const header = grid[0].map((_, c) => {
    const seen = [];
    for (const row of grid) if (row[c] && !seen.includes(row[c])) seen.push(row[c]);
    return seen.map((cell) => cell.textContent.trim()).join(': ');
  });
  const rows = Array.from(table.tBodies[0].rows).map((tr) => Array.from(tr.cells).map((cell) => {
    const num = cell.querySelector('.num');
    return { text: cell.textContent.trim(), state: num ? num.dataset.state : '' };
  }));
  return { header, rows };
}"""
