// 计分办法：“增加一行” adds a row in the page when a row exists to copy; without this
// script (or with an empty table) the button submits and the server adds the row.
(function () {
  "use strict";
  function addRow(button, event) {
    var prefix = button.getAttribute("data-add-row");
    var table = document.getElementById(button.getAttribute("data-table"));
    var total = document.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    if (!table || !total) { return; }
    var rows = table.querySelectorAll("tbody tr");
    if (!rows.length) { return; }
    event.preventDefault();
    var index = parseInt(total.value, 10) || rows.length;
    var copy = rows[rows.length - 1].cloneNode(true);
    var pattern = new RegExp(prefix + "-\\d+-");
    copy.querySelectorAll("input, select, textarea, label").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(pattern, prefix + "-" + index + "-")); }
      });
      if (el.type === "checkbox") { el.checked = false; }
      else if (el.tagName === "SELECT") { el.selectedIndex = 0; }
      else if (el.tagName !== "LABEL") { el.value = ""; }
    });
    copy.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
    copy.classList.remove("has-error");
    table.querySelector("tbody").appendChild(copy);
    total.value = String(index + 1);
    var first = copy.querySelector("select, input");
    if (first) { first.focus(); }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-add-row]");
    if (button) { addRow(button, event); }
  });
})();
