// A thumbnail that cannot load (an offline box, a CDN that dropped it) leaves no empty frame.
(function () {
  function drop(img) {
    var frame = img.closest("a.thumb") || img;
    frame.remove();
  }
  document.querySelectorAll("img.thumb-img").forEach(function (img) {
    if (img.complete && img.naturalWidth === 0 && img.getAttribute("src")) drop(img);
    else img.addEventListener("error", function () { drop(img); });
  });
})();
