// Light or dark: the system's setting until the reader picks one with the header button.
(function () {
  var root = document.documentElement;
  var saved = localStorage.getItem("theme");
  if (saved === "light" || saved === "dark") root.dataset.theme = saved;
  var button = document.querySelector("button.theme");
  if (!button) return;
  button.addEventListener("click", function () {
    var dark = root.dataset.theme === "dark" ||
      (root.dataset.theme === "auto" && matchMedia("(prefers-color-scheme: dark)").matches);
    root.dataset.theme = dark ? "light" : "dark";
    localStorage.setItem("theme", root.dataset.theme);
  });
})();
// The phone menu closes on Escape and on a tap outside it, as a menu does; on a phone the
// calendar starts folded (one line above the papers), open where there is room beside them.
(function () {
  var menu = document.querySelector("header details.menu");
  if (menu) {
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
    });
    document.addEventListener("click", function (e) {
      if (menu.open && !menu.contains(e.target)) menu.open = false;
    });
  }
  var calendar = document.querySelector("details.calendar-box");
  if (calendar && matchMedia("(max-width: 899px)").matches) calendar.open = false;
})();
