// A comment box's Preview: the HTML the comment would be shown as, from the site's own
// renderer (Markdown, sanitized), with its math. Without this script the button stays hidden.
(function () {
  document.querySelectorAll("button.preview-button").forEach(function (button) {
    var form = button.form, shown = form.querySelector(".preview");
    button.hidden = false;
    button.addEventListener("click", function () {
      fetch("/api/comments/preview", {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRF-Token": form.elements.csrf.value},
        body: JSON.stringify({body: form.elements.body.value})
      }).then(function (r) { return r.json(); }).then(function (data) {
        shown.innerHTML = data.html || "";  // sanitized by the site, as a posted comment is
        if (data.error) shown.textContent = data.error;
        shown.hidden = false;
        if (window.paperwireMath) window.paperwireMath(shown);
      });
    });
  });
})();
