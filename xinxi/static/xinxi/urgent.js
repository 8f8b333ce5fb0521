/* Urgent-information forms: the subtype list offers only the chosen class's subtypes
 * (the server checks the pair again); the phone form shows the new incident's fields only
 * while "新事件" is chosen (the server ignores them otherwise); and a form marked data-once
 * is sent once: its submit button is disabled after the first click so a double click
 * files nothing twice. */
(function () {
  "use strict";

  function filterSubtypes(scope) {
    var cls = scope.querySelector("[data-urgent-class]");
    var sub = scope.querySelector("[data-urgent-subtype]");
    if (!cls || !sub) { return; }
    var options = sub.querySelectorAll("option[data-class]");
    for (var i = 0; i < options.length; i++) {
      var match = !cls.value || options[i].dataset.class === cls.value;
      options[i].hidden = !match;
      options[i].disabled = !match;
      if (!match && options[i].selected) { sub.value = ""; }
    }
  }

  function init() {
    var scopes = document.querySelectorAll("[data-urgent-facts]");
    for (var i = 0; i < scopes.length; i++) {
      (function (scope) {
        filterSubtypes(scope);
        var cls = scope.querySelector("[data-urgent-class]");
        if (cls) { cls.addEventListener("change", function () { filterSubtypes(scope); }); }
      })(scopes[i]);
    }
    var chosen = document.querySelector("#phone-form select[name='phone-incident']");
    var fresh = document.getElementById("new-incident");
    if (chosen && fresh) {
      var toggle = function () { fresh.hidden = !!chosen.value; };
      toggle();
      chosen.addEventListener("change", toggle);
    }
    var forms = document.querySelectorAll("form[data-once]");
    for (var j = 0; j < forms.length; j++) {
      forms[j].addEventListener("submit", function (event) {
        var form = event.currentTarget;
        if (form.dataset.sent) { event.preventDefault(); return; }
        form.dataset.sent = "1";
        var buttons = form.querySelectorAll("button[type=submit]");
        for (var k = 0; k < buttons.length; k++) { buttons[k].disabled = true; }
      });
    }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
