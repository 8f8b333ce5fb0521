/* Duty board countdowns (urgent/board.html, incident_detail.html).
 * Each open clock is a [data-clock][data-due] element holding an ISO due time; the time
 * "now" is the server's, from data-now of the nearest .board-clock region (rendered again
 * with every htmx refresh), so a wrong PC clock in the duty room shows no wrong countdown.
 * Colours follow clocks.colour: red past due, amber within data-amber minutes, else green. */
(function () {
  "use strict";
  var offsets = new WeakMap();  // region -> [data-now seen, server minus browser ms]

  function offsetOf(region) {
    if (!region || !region.dataset.now) { return 0; }
    var seen = offsets.get(region);
    if (!seen || seen[0] !== region.dataset.now) {
      seen = [region.dataset.now, Date.parse(region.dataset.now) - Date.now()];
      offsets.set(region, seen);
    }
    return seen[1];
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function span(seconds) {
    var hours = Math.floor(seconds / 3600), minutes = Math.floor((seconds % 3600) / 60), secs = seconds % 60;
    if (hours >= 24) { return Math.floor(hours / 24) + "天" + (hours % 24) + "小时" + pad(minutes) + "分"; }
    if (hours) { return hours + "小时" + pad(minutes) + "分" + pad(secs) + "秒"; }
    return minutes + "分" + pad(secs) + "秒";
  }

  function tick() {
    var clocks = document.querySelectorAll("[data-clock][data-due]");
    for (var i = 0; i < clocks.length; i++) {
      var el = clocks[i];
      var now = Date.now() + offsetOf(el.closest(".board-clock"));
      var left = Math.floor((Date.parse(el.dataset.due) - now) / 1000);
      var amber = parseInt(el.dataset.amber || "30", 10) * 60;
      var colour = left < 0 ? "red" : (left <= amber ? "amber" : "green");
      var text = left >= 0 ? "剩 " + span(left) : "超时 " + span(-left);
      var out = el.querySelector(".countdown");
      if (out && out.textContent !== text) { out.textContent = text; }
      if (!el.classList.contains("uclock-" + colour)) {
        el.classList.remove("uclock-green", "uclock-amber", "uclock-red");
        el.classList.add("uclock-" + colour);
      }
    }
  }

  tick();
  window.setInterval(tick, 1000);
  document.addEventListener("htmx:afterSwap", tick);
})();
