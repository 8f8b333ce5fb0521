// 调研报告: the button under the research guide appends 情况 / 分析 / 建议 headings to the body.
document.addEventListener("click", function (event) {
  var button = event.target.closest("#insert-outline");
  if (!button) return;
  var body = document.getElementById("id_body");
  if (!body) return;
  body.value = (body.value ? body.value.replace(/\s*$/, "\n\n") : "") + button.dataset.outline;
  body.dispatchEvent(new Event("input", { bubbles: true }));
  body.focus();
});
