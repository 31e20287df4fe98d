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
  for (const svg of shown) {
    const fig = svg.closest('figure.chart-figure');
    const title = fig && fig.querySelector('.chart-title');
    if (!title || !title.textContent.trim()) problems.push('a chart without a title');
    const axes = Array.from(svg.querySelectorAll('text.axis-title')).filter((t) => t.textContent.trim());
    if (axes.length < 2) problems.push(`chart "${title && title.textContent}" has ${axes.length} axis titles`);
    for (const t of svg.querySelectorAll('text')) {
      if (!visible(t) || !t.textContent.trim()) continue;
      const m = t.getScreenCTM();
      const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
      if (px < minPx) problems.push(`chart text "${t.textContent}" renders at ${px.toFixed(1)}px`);
    }
    const r = svg.getBoundingClientRect();
    if (r.right > vw + 0.5 || r.left < -0.5) problems.push(`chart "${title && title.textContent}" is cut off`);
  }
  for (const legend of Array.from(document.querySelectorAll('ul.legend')).filter(visible)) {
    const items = Array.from(legend.querySelectorAll('li'));
    const rects = items.map((li) => li.getBoundingClientRect());
    rects.forEach((r, i) => {
      if (r.right > vw + 0.5 || r.left < -0.5) problems.push(`legend entry "${items[i].textContent}" is clipped`);
      if (items[i].scrollWidth > items[i].clientWidth + 1) problems.push(`legend entry "${items[i].textContent}" overflows`);
      rects.slice(i + 1).forEach((q, j) => {
        if (r.left < q.right - 0.5 && q.left < r.right - 0.5 && r.top < q.bottom - 0.5 && q.top < r.bottom - 0.5)
          problems.push(`legend entries "${items[i].textContent}" and "${items[i + 1 + j].textContent}" overlap`);
      });
    });
    const colors = new Set(items.map((li) => getComputedStyle(li.querySelector('.swatch')).backgroundColor));
    if (colors.size !== items.length) problems.push(`a legend of ${items.length} series uses ${colors.size} colours`);
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
