// Upvote, not interested (and undo), collections and follows without leaving the page:
// each is a form that works without this script; with it, the form's data-api is called
// with fetch (the CSRF token in a header) and the form shows its new state in place.
(function () {
  function call(form, url, method, body) {
    return fetch(url, {
      method: method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "X-CSRF-Token": form.elements.csrf.value},
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) throw new Error(data.error || ("the site answered " + r.status));
        return data;
      });
    });
  }
  function say(form, text) {
    var box = form.querySelector(".done") || (form.closest(".collect") || form).querySelector(".done");
    if (box) box.textContent = text;
  }
  function pressed(button, on, label, title) {
    button.classList.toggle("on", on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
    if (label !== null) button.textContent = label;
    button.title = title;
  }

  var actions = {
    upvote: function (form) {
      var up = form.elements.up.value === "true";
      return call(form, form.dataset.api, "POST", {up: up}).then(function (data) {
        var button = form.querySelector("button");
        var count = button.querySelector(".count");
        count.textContent = data.upvotes;
        pressed(button, data.upvoted, null, data.upvoted ? "Take back your upvote" : "Upvote");
        form.elements.up.value = data.upvoted ? "false" : "true";
      });
    },
    dismiss: function (form) {
      var dismissed = form.elements.undo.value !== "true";
      return call(form, form.dataset.api, "POST", {dismissed: dismissed}).then(function (data) {
        var card = form.closest("article.item");
        if (card) card.classList.toggle("dismissed", data.dismissed);
        form.elements.undo.value = data.dismissed ? "true" : "false";
        var button = form.querySelector("button");
        button.textContent = data.dismissed ? "Undo" : "Not interested";
        button.title = data.dismissed ? "Show it in my lists again"
                                      : "Never show me this paper again in my lists";
        say(form, data.dismissed ? "Not interested: it stays out of your lists and digest." : "");
        button.focus();
      });
    },
    collect: function (form) {
      var present = form.elements.present.value === "true";
      var button = form.querySelector("button");
      var name = button.dataset.name;
      return call(form, form.dataset.api, "POST", {paper: form.dataset.paper, present: present})
        .then(function () {
          pressed(button, present, (present ? "✓ " : "+ ") + name,
                  (present ? "Take it out of " : "Add it to ") + name);
          form.elements.present.value = present ? "false" : "true";
          say(form, present ? "Added to " + name + "." : "Taken out of " + name + ".");
        });
    },
    "new-collection": function (form) {
      var name = form.elements.name.value.trim();
      return call(form, form.dataset.api, "POST", {name: name}).then(function (made) {
        var url = "/api/collections/" + made.id + "/papers";
        return call(form, url, "POST", {paper: form.dataset.paper, present: true})
          .then(function () { addToggle(form, made, url); });
      });
    },
    follow: function (form) {
      var fid = form.dataset.fid;
      var request = fid ? call(form, "/api/follows/" + fid, "DELETE")
        : call(form, form.dataset.api, "POST", {kind: form.elements.kind.value,
                                                 value: form.elements.value.value});
      return request.then(function (data) {
        var now = fid ? "" : String(data.id);
        form.dataset.fid = now;
        form.action = now ? "/follows/" + now + "/delete" : "/follows";
        pressed(form.querySelector("button"), !!now, now ? "✓ Following" : "Follow",
                now ? "Stop following" : "New papers by this author first in For you and your digest");
      });
    }
  };

  // a collection made here joins the toggles, pressed: the paper is in it now
  function addToggle(form, made, url) {
    var toggle = document.createElement("form");
    toggle.className = "inline";
    toggle.method = "post";
    toggle.action = form.action.replace(/\/collections$/, "/p/" + form.elements.paper.value + "/collect");
    toggle.dataset.act = "collect";
    toggle.dataset.api = url;
    toggle.dataset.paper = form.dataset.paper;
    [["csrf", form.elements.csrf.value], ["collection", made.id], ["present", "false"]]
      .forEach(function (f) {
        var input = document.createElement("input");
        input.type = "hidden"; input.name = f[0]; input.value = f[1];
        toggle.appendChild(input);
      });
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "toggle";
    button.dataset.name = made.name;
    pressed(button, true, "✓ " + made.name, "Take it out of " + made.name);
    toggle.appendChild(button);
    form.parentNode.insertBefore(toggle, form);
    form.parentNode.insertBefore(document.createTextNode(" "), form);
    form.reset();
    say(form, "Made " + made.name + "; the paper is in it.");
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    var act = actions[form.dataset.act];
    if (!act || !window.fetch) return;
    e.preventDefault();
    if (form.dataset.busy) return;
    form.dataset.busy = "1";
    act(form).catch(function (err) { say(form, "Not saved: " + err.message); })
      .then(function () { delete form.dataset.busy; });
  });
})();
