// Render LaTeX in titles, abstracts, results and comments with the vendored KaTeX (no CDN).
// $…$ is math only as pandoc reads it: the opening $ not followed by a space or a digit,
// the closing one not after a space nor before a digit, so "from $5 to $10" stays prose.
// $$…$$, \[…\] (display) and \(…\) are math as written. Code is left alone.
(function () {
  var MATH = /\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|\$(?![\s\d$])((?:\\.|[^$\\])+?)(?<![\s\\])\$(?!\d)/g;

  function piece(tex, display) {
    var span = document.createElement("span");
    try {
      katex.render(tex, span, {displayMode: display, throwOnError: false});
    } catch (e) {
      span.textContent = tex;
    }
    return span;
  }

  function renderText(node) {
    var text = node.nodeValue, last = 0, out = null, m;
    MATH.lastIndex = 0;
    while ((m = MATH.exec(text)) !== null) {
      out = out || document.createDocumentFragment();
      out.appendChild(document.createTextNode(text.slice(last, m.index)));
      var display = m[1] !== undefined || m[2] !== undefined;
      out.appendChild(piece(m[1] || m[2] || m[3] || m[4], display));
      last = MATH.lastIndex;
    }
    if (!out) return;
    out.appendChild(document.createTextNode(text.slice(last)));
    node.parentNode.replaceChild(out, node);
  }

  function render(root) {
    if (typeof katex === "undefined") return;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        return n.parentNode.closest("code, pre, .katex, textarea") ? NodeFilter.FILTER_REJECT
                                                                   : NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(renderText);
  }

  window.paperwireMath = render;  // the comment preview renders what it shows
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".math").forEach(render);
  });
})();
