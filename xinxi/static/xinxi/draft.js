/* Item pages of a reporting unit: draft autosave, one submit per click, confirmations.
 *
 * Loaded with <script src defer> (the CSP forbids inline script). Everything here is an
 * enhancement: without JavaScript the forms still work, only autosave is missing.
 */
(function () {
  "use strict";

  var AUTOSAVE_MS = 10000;
  var NOT_SENT = ["attachment", "import_file", "action"];

  // Buttons and links that ask before doing something that cannot be undone.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // A form marked js-once is sent once: a double click does not send it twice.
  function guardOnce(form) {
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) {
        return;
      }
      if (form.dataset.sending === "1") {
        event.preventDefault();
        return;
      }
      form.dataset.sending = "1";
      // Disable after the browser has taken the form data (a disabled submitter is not sent).
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (button) {
          button.disabled = true;
        });
      }, 0);
    });
  }

  // Coming back through the browser's history brings the page back with its buttons usable.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll("form.js-once").forEach(function (form) {
      delete form.dataset.sending;
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = false;
      });
    });
  });

  function setupAutosave(form) {
    var status = document.getElementById("autosave-status");
    var url = form.getAttribute("data-autosave-url");
    var version = form.querySelector("input[name=version]");
    var dirty = false;
    var saving = null;
    var stopped = false;
    var waitingSubmitter = null;

    function show(message, kind) {
      if (!status) {
        return;
      }
      status.textContent = message;
      status.className = "autosave autosave-" + kind;
    }

    function markDirty(event) {
      if (event.target && event.target.type === "file") {
        return;
      }
      dirty = true;
    }
    form.addEventListener("input", markDirty);
    form.addEventListener("change", markDirty);

    function save() {
      dirty = false;
      var data = new FormData(form);
      NOT_SENT.forEach(function (name) {
        data.delete(name);
      });
      saving = fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest" },
      })
        .then(function (response) {
          return response.json().then(function (reply) {
            return { status: response.status, reply: reply };
          });
        })
        .then(function (result) {
          var reply = result.reply;
          if (reply.ok) {
            if (version) {
              version.value = reply.version;
            }
            url = reply.autosave_url;
            form.setAttribute("data-autosave-url", url);
            form.setAttribute("action", reply.edit_url);
            if (window.location.pathname !== reply.edit_url) {
              window.history.replaceState(null, "", reply.edit_url);
            }
            form.dataset.version = reply.version;
            show("已自动保存 " + reply.saved_at, "ok");
          } else if (result.status === 409) {
            stopped = true;
            show(reply.error + " 本页内容尚未保存，请先复制，再刷新页面。", "conflict");
          } else {
            dirty = true;
            show("自动保存未成功：" + reply.error, "warn");
          }
        })
        .catch(function () {
          dirty = true;
          show("自动保存失败（网络或登录已过期），请手动保存草稿。", "warn");
        })
        .finally(function () {
          saving = null;
          if (waitingSubmitter) {
            var submitter = waitingSubmitter;
            waitingSubmitter = null;
            form.requestSubmit(submitter);
          }
        });
    }

    window.setInterval(function () {
      if (dirty && !saving && !stopped) {
        save();
      }
    }, AUTOSAVE_MS);

    // A click on a button while an autosave is on its way waits for it, so the form
    // carries the version the autosave produced (otherwise it would be a conflict).
    form.addEventListener("submit", function (event) {
      stopped = true;
      if (saving) {
        event.preventDefault();
        event.stopImmediatePropagation();
        waitingSubmitter = event.submitter || null;
      }
    }, true);
  }

  document.querySelectorAll("form.js-once").forEach(guardOnce);
  var draft = document.getElementById("item-form");
  if (draft && draft.hasAttribute("data-autosave-url")) {
    setupAutosave(draft);
  }
})();
