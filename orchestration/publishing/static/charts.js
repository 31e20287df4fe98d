// Draws the Vega-Lite specs the publisher made (orchestration/publishing/charts.py) with the vendored
// vega-embed: SVG at the box's width, so text keeps its size on a phone, and tooltips with the values.
// Vega's expression interpreter replaces its code generator, so the page's policy needs no eval.
(function () {
  "use strict";
  const OPTIONS = { renderer: "svg", actions: false, ast: true, tooltip: { theme: "light" } };

  function embed(el, spec, locale) {
    const options = Object.assign({}, OPTIONS, { expr: vega.expressionInterpreter });
    if (locale) options.formatLocale = locale;
    el.dataset.drawn = "";
    return vegaEmbed(el, spec, options).then((result) => {
      // The chart's own data, read back by the tests to check every number it holds.
      el.__view = result.view;
      const svg = el.querySelector("svg");
      if (svg) {
        svg.classList.add("chart");
        svg.setAttribute("role", "img");
        if (spec.description) svg.setAttribute("aria-label", spec.description);
      }
      el.dataset.drawn = "yes";
      return result;
    });
  }

  function drawStatic() {
    const done = [];
    for (const el of document.querySelectorAll(".vega-chart")) {
      const source = el.parentElement.querySelector("script.vega-spec");
      if (!source || el.dataset.drawn !== undefined) continue;
      const spec = JSON.parse(source.textContent);
      done.push(embed(el, spec, spec.usermeta && spec.usermeta.formatLocale));
    }
    return Promise.all(done).then(() => { document.body.dataset.charts = "drawn"; });
  }

  window.arpCharts = { embed, drawStatic };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawStatic);
  else drawStatic();
})();
