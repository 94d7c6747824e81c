// Suggestions as you type in a search box: titles (open the paper) and authors (open
// their page). Arrow keys move, Enter opens, Escape closes; without this script the box
// is a plain search form.
(function () {
  document.querySelectorAll("form[role=search] input[name=q]").forEach(function (input, n) {
    var list = document.createElement("ul");
    list.id = "suggestions-" + n;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    input.parentNode.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");
    var active = -1, timer = null, asked = 0;

    function close() {
      list.hidden = true; list.innerHTML = ""; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function option(text, href, kind, i) {
      var li = document.createElement("li");
      li.id = list.id + "-" + i;
      li.setAttribute("role", "option");
      li.dataset.href = href;
      li.textContent = text;
      if (kind) { var k = document.createElement("span"); k.className = "kind"; k.textContent = kind; li.appendChild(k); }
      li.addEventListener("mousedown", function (e) { e.preventDefault(); location.href = href; });
      return li;
    }
    function show(data) {
      list.innerHTML = "";
      var items = data.titles.map(function (t) { return [t.title, "/papers/" + encodeURIComponent(t.id), ""]; })
        .concat(data.authors.map(function (a) { return [a, "/authors/" + encodeURIComponent(a), "author"]; }));
      if (!items.length) { close(); return; }
      items.forEach(function (it, i) { list.appendChild(option(it[0], it[1], it[2], i)); });
      list.hidden = false; active = -1;
      input.setAttribute("aria-expanded", "true");
    }
    function move(step) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) return;
      if (active >= 0) options[active].setAttribute("aria-selected", "false");
      active = (active + step + options.length) % options.length;
      options[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[active].id);
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        var mine = ++asked;
        fetch("/api/suggest?q=" + encodeURIComponent(q)).then(function (r) { return r.json(); })
          .then(function (data) { if (mine === asked) show(data); }).catch(close);
      }, 120);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        location.href = list.querySelectorAll("[role=option]")[active].dataset.href;
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  });
})();
