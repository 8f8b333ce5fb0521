// The desk's pages: bulk selection on the inbox, a character count on the edit page.
// Loaded with <script src defer>; the pages work without it.
(function () {
  "use strict";

  function bulk() {
    var form = document.getElementById("bulk");
    if (!form) return;
    var all = document.getElementById("select-all");
    var count = document.getElementById("bulk-count");
    var boxes = function () { return document.querySelectorAll("input[name=ids][form=bulk]"); };
    var update = function () {
      var n = 0;
      boxes().forEach(function (b) { if (b.checked) n += 1; });
      if (count) count.textContent = n ? "已选 " + n + " 条" + (n < 2 ? "，综合至少需要两条。" : "。") : "勾选两条或更多信息后可综合。";
    };
    if (all) {
      all.addEventListener("change", function () {
        boxes().forEach(function (b) { b.checked = all.checked; });
        update();
      });
    }
    document.addEventListener("change", function (event) {
      if (event.target && event.target.name === "ids") update();
    });
    update();
  }

  function counter() {
    var out = document.getElementById("body-count");
    if (!out) return;
    var field = document.getElementById(out.getAttribute("data-for"));
    if (!field) return;
    var update = function () {
      var n = field.value.replace(/\s/g, "").length;
      out.textContent = "正文 " + n + " 字" + (n > 600 ? "，偏长；一条信息通常 200—300 字。" : "。");
    };
    field.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    bulk();
    counter();
  });
})();
