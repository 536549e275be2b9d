// The availability poll without this script is a grid of checkboxes. With it: press and drag
// to mark (or clear) several half-hours at once, and move between boxes with the arrow keys.
(function () {
  "use strict";
  function start() {
    var grid = document.querySelector("table.week-grid");
    if (!grid) { return; }
    grid.classList.add("paint");
    var help = document.querySelector(".paint-help");
    if (help) { help.hidden = false; }
    var painting = false;
    var mode = true;

    function boxOf(target) {
      var cell = target.closest ? target.closest("td") : null;
      return cell && grid.contains(cell) ? cell.querySelector("input[type=checkbox]") : null;
    }
    grid.addEventListener("pointerdown", function (event) {
      var box = boxOf(event.target);
      if (!box || event.button !== 0) { return; }
      event.preventDefault();  // the click that would follow is replaced by painting
      mode = !box.checked;
      box.checked = mode;
      box.focus();
      painting = true;
    });
    grid.addEventListener("pointerover", function (event) {
      if (!painting) { return; }
      var box = boxOf(event.target);
      if (box) { box.checked = mode; }
    });
    document.addEventListener("pointerup", function () { painting = false; });
    document.addEventListener("pointercancel", function () { painting = false; });
    // A click with the mouse was handled on pointerdown; keyboard "clicks" (space) are not.
    grid.addEventListener("click", function (event) {
      if (event.detail > 0 && boxOf(event.target)) { event.preventDefault(); }
    });
    grid.addEventListener("keydown", function (event) {
      var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
      var move = moves[event.key];
      var box = boxOf(event.target);
      if (!move || !box) { return; }
      var cell = box.closest("td");
      var row = cell.parentElement;
      var rows = Array.prototype.slice.call(grid.tBodies[0].rows);
      var r = rows.indexOf(row) + move[0];
      var c = cell.cellIndex + (document.dir === "rtl" ? -move[1] : move[1]);
      if (r < 0 || r >= rows.length || c < 1 || c >= row.cells.length) { return; }
      var next = rows[r].cells[c].querySelector("input[type=checkbox]");
      if (next) { event.preventDefault(); next.focus(); }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
