// Sort, filter and page the record lists. Without this script every row simply shows.
(function () {
  "use strict";
  document.querySelectorAll("table.records").forEach(function (table) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var size = parseInt(table.getAttribute("data-page-rows"), 10) || 50;
    var box = document.getElementById(table.id + "-filter");
    var pager = document.getElementById(table.id + "-pager");
    var page = 0, shown = rows, sortCol = -1, sortDir = 1;

    function draw() {
      var pages = Math.max(1, Math.ceil(shown.length / size));
      if (page >= pages) { page = pages - 1; }
      rows.forEach(function (r) { r.hidden = true; });
      shown.slice(page * size, page * size + size).forEach(function (r) {
        r.hidden = false; body.appendChild(r);
      });
      if (pager) {
        pager.hidden = shown.length <= size;
        pager.querySelector(".pageinfo").textContent = pager.getAttribute("data-label")
          .replace("{page}", page + 1).replace("{pages}", pages);
        pager.querySelector(".prev").disabled = page === 0;
        pager.querySelector(".next").disabled = page >= pages - 1;
      }
    }
    function text(row, col) { return (row.cells[col].getAttribute("data-sort") || row.cells[col].textContent).trim(); }
    function sort() {
      if (sortCol < 0) { return; }
      shown.sort(function (a, b) {
        return sortDir * text(a, sortCol).localeCompare(text(b, sortCol), undefined, {numeric: true});
      });
    }
    if (box) {
      box.hidden = false;
      box.addEventListener("input", function () {
        var needle = box.value.toLowerCase();
        shown = rows.filter(function (r) { return r.textContent.toLowerCase().indexOf(needle) >= 0; });
        sort(); page = 0; draw();
      });
    }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      th.classList.add("sortable");
      th.tabIndex = 0;
      function activate() {
        sortDir = sortCol === col ? -sortDir : 1; sortCol = col;
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
        sort(); page = 0; draw();
      }
      th.addEventListener("click", activate);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { activate(); } });
    });
    if (pager) {
      pager.querySelector(".prev").addEventListener("click", function () { page -= 1; draw(); });
      pager.querySelector(".next").addEventListener("click", function () { page += 1; draw(); });
    }
    draw();
  });
})();
