// Shows the "scroll sideways" cue above every table wider than its box, and keeps it right when the
// window is resized or the dashboard redraws a table.
(function () {
  "use strict";
  function mark() {
    for (const wrap of document.querySelectorAll(".table-wrap")) {
      const over = wrap.scrollWidth > wrap.clientWidth + 1;
      wrap.classList.toggle("overflowing", over);
      const hint = wrap.parentElement.querySelector(".scroll-hint");
      if (hint) hint.hidden = !over;
    }
  }
  window.arpMarkTables = mark;
  window.addEventListener("resize", mark);
  document.addEventListener("DOMContentLoaded", mark);
  if (document.readyState !== "loading") mark();
})();
