// The map of the field (/map): draws /api/map on a canvas. The server sends grid cells
// (their papers' mean place, count, commonest topic, papers of the latest week) or, when a
// view holds few papers, the papers themselves with titles; this file only draws, pans,
// zooms and asks again for the view in sight. Labels come from /api/topics.
(function () {
  "use strict";
  var canvas = document.getElementById("fieldmap");
  if (!canvas || !canvas.getContext) return;
  var frame = canvas.parentElement;
  var tip = frame.querySelector(".fieldmap-tip");
  var zoom = frame.querySelector(".fieldmap-zoom");
  var ctx = canvas.getContext("2d");
  var state = { cx: 0.5, cy: 0.5, scale: 1, width: 0, height: 0, data: null, topics: null,
    overlay: [] };  // overlay: a search's results or the reader's upvotes, [x, y, key, title]
  var pending = null, asked = "", dragging = null, pointers = {}, pinch = null;

  function hue(topic) { return (topic * 137.508) % 360; }
  function fit() { return Math.min(state.width, state.height) * 0.92; }
  function px(x) { return (x - state.cx) * fit() * state.scale + state.width / 2; }
  function py(y) { return (y - state.cy) * fit() * state.scale + state.height / 2; }
  function mx(p) { return (p - state.width / 2) / (fit() * state.scale) + state.cx; }
  function my(p) { return (p - state.height / 2) / (fit() * state.scale) + state.cy; }
  function zoomLevel() { return Math.max(0, Math.min(14, Math.floor(Math.log2(state.scale)))); }

  function resize() {
    var ratio = window.devicePixelRatio || 1;
    state.width = frame.clientWidth;
    state.height = Math.max(260, Math.min(state.width, window.innerHeight * 0.7));
    canvas.style.width = state.width + "px";
    canvas.style.height = state.height + "px";
    canvas.width = Math.round(state.width * ratio);
    canvas.height = Math.round(state.height * ratio);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    draw();
    ask();
  }

  function ask() {
    clearTimeout(pending);
    pending = setTimeout(function () {
      var pad = 0.25 / state.scale;
      function at(v) { return Math.max(-1, Math.min(2, v)).toFixed(4); }
      var q = "zoom=" + zoomLevel() + "&x0=" + at(mx(0) - pad) + "&y0=" + at(my(0) - pad) +
        "&x1=" + at(mx(state.width) + pad) + "&y1=" + at(my(state.height) + pad);
      if (q === asked) return;
      asked = q;
      fetch(canvas.dataset.api + "?" + q, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data && q === asked) { state.data = data; draw(); } })
        .catch(function () {});
    }, 120);
  }

  function dark() {
    return getComputedStyle(document.body).color.match(/\d+/g).slice(0, 3)
      .reduce(function (a, b) { return a + Number(b); }, 0) > 380;
  }

  function draw() {
    var d = state.data, night = dark();
    ctx.clearRect(0, 0, state.width, state.height);
    if (!d) return;
    var light = night ? 62 : 45;
    (d.cells || []).forEach(function (c) {
      var r = Math.max(1.5, Math.min(14, Math.sqrt(c[2]) * 1.2 * Math.sqrt(state.scale)));
      ctx.beginPath();
      ctx.arc(px(c[0]), py(c[1]), r, 0, 2 * Math.PI);
      ctx.fillStyle = "hsla(" + hue(c[3]) + ",60%," + light + "%,0.55)";
      ctx.fill();
    });
    (d.cells || []).forEach(function (c) {  // the latest week's papers: a dot over their cell
      if (!c[4]) return;
      ctx.beginPath();
      ctx.arc(px(c[0]), py(c[1]), Math.min(6, 1.8 + Math.sqrt(c[4])), 0, 2 * Math.PI);
      ctx.fillStyle = night ? "#ffd54a" : "#b35c00";
      ctx.fill();
    });
    (d.points || []).forEach(function (p) {
      ctx.beginPath();
      ctx.arc(px(p[0]), py(p[1]), p[4] ? 5 : 3.5, 0, 2 * Math.PI);
      ctx.fillStyle = "hsl(" + hue(p[3]) + ",60%," + light + "%)";
      ctx.fill();
      if (p[4]) { ctx.lineWidth = 2; ctx.strokeStyle = night ? "#ffd54a" : "#b35c00"; ctx.stroke(); }
    });
    state.overlay.forEach(function (p) {
      var x = px(p[0]), y = py(p[1]);
      ctx.beginPath();
      ctx.moveTo(x, y - 6); ctx.lineTo(x + 6, y); ctx.lineTo(x, y + 6); ctx.lineTo(x - 6, y);
      ctx.closePath();
      ctx.fillStyle = night ? "#ffffff" : "#111111";
      ctx.fill();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = night ? "#111111" : "#ffffff";
      ctx.stroke();
    });
    labels(night);
  }

  function labels(night) {
    if (!state.topics) return;
    var list = state.scale < 2 ? state.topics.areas : state.topics.topics;
    var taken = [];
    ctx.font = "600 12px system-ui, sans-serif";
    ctx.textAlign = "center";
    list.forEach(function (t) {
      var x = px(t.x), y = py(t.y), words = t.label.split(", ");
      if (x < 0 || y < 0 || x > state.width || y > state.height) return;
      var text = words.slice(0, 2).join(", ");
      if (ctx.measureText(text).width > state.width - 8) text = words[0];  // a phone
      var w = ctx.measureText(text).width / 2 + 4;
      x = Math.max(w, Math.min(rightEdge(y) - w, x));  // the whole label inside the map
      if (taken.some(function (b) { return Math.abs(b[0] - x) < w + b[2] && Math.abs(b[1] - y) < 16; })) return;
      taken.push([x, y, w]);
      ctx.lineWidth = 3;
      ctx.strokeStyle = night ? "rgba(0,0,0,0.8)" : "rgba(255,255,255,0.85)";
      ctx.strokeText(text, x, y);
      ctx.fillStyle = night ? "#f2f2f2" : "#1b1b1b";
      ctx.fillText(text, x, y);
    });
  }

  // where a label at height y must end: left of the zoom buttons beside them, else the edge
  function rightEdge(y) {
    if (!zoom || y - 12 > zoom.offsetTop + zoom.offsetHeight || y + 4 < zoom.offsetTop) {
      return state.width;
    }
    return zoom.offsetLeft - 4;
  }

  function under(ex, ey) {
    var d = state.data, best = null, bestD = 144;
    if (!d) return null;
    state.overlay.forEach(function (p) {
      var dx = px(p[0]) - ex, dy = py(p[1]) - ey, dist = dx * dx + dy * dy;
      if (dist < bestD) { bestD = dist; best = { key: p[2], title: p[3] }; }
    });
    if (best) return best;
    (d.points || d.cells || []).forEach(function (p) {
      var dx = px(p[0]) - ex, dy = py(p[1]) - ey, dist = dx * dx + dy * dy;
      if (dist < bestD) { bestD = dist; best = p; }
    });
    if (!best) return null;
    if (d.points) return { key: best[2], title: best[5] };
    return { cell: best, title: best[2] + " papers · " + topicLabel(best[3]) };
  }

  function topicLabel(id) {
    var t = state.topics && state.topics.topics.filter(function (x) { return x.id === id; })[0];
    return t ? t.label : "";
  }

  function show(ex, ey) {
    var hit = under(ex, ey);
    if (!hit) { tip.hidden = true; canvas.style.cursor = "grab"; return; }
    tip.textContent = hit.title;
    tip.hidden = false;
    tip.style.left = Math.min(ex + 12, state.width - tip.offsetWidth - 4) + "px";
    tip.style.top = (ey + 14) + "px";
    canvas.style.cursor = "pointer";
  }

  function zoomAt(factor, ex, ey) {
    var x = mx(ex), y = my(ey);
    state.scale = Math.max(0.5, Math.min(16384, state.scale * factor));
    state.cx = x - (ex - state.width / 2) / (fit() * state.scale);
    state.cy = y - (ey - state.height / 2) / (fit() * state.scale);
    draw();
    ask();
  }

  function local(e) {
    var box = canvas.getBoundingClientRect();
    return [e.clientX - box.left, e.clientY - box.top];
  }

  canvas.addEventListener("pointerdown", function (e) {
    pointers[e.pointerId] = local(e);
    canvas.setPointerCapture(e.pointerId);
    var ids = Object.keys(pointers);
    if (ids.length === 2) {
      var a = pointers[ids[0]], b = pointers[ids[1]];
      pinch = { dist: Math.hypot(a[0] - b[0], a[1] - b[1]), scale: state.scale };
      dragging = null;
    } else {
      dragging = { at: local(e), cx: state.cx, cy: state.cy, moved: false };
    }
  });
  canvas.addEventListener("pointermove", function (e) {
    var at = local(e);
    if (pointers[e.pointerId]) pointers[e.pointerId] = at;
    var ids = Object.keys(pointers);
    if (pinch && ids.length === 2) {
      var a = pointers[ids[0]], b = pointers[ids[1]];
      var factor = Math.hypot(a[0] - b[0], a[1] - b[1]) / pinch.dist * pinch.scale / state.scale;
      zoomAt(factor, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2);
      return;
    }
    if (dragging) {
      var dx = at[0] - dragging.at[0], dy = at[1] - dragging.at[1];
      if (Math.abs(dx) + Math.abs(dy) > 3) dragging.moved = true;
      if (dragging.moved) {
        state.cx = dragging.cx - dx / (fit() * state.scale);
        state.cy = dragging.cy - dy / (fit() * state.scale);
        tip.hidden = true;
        draw();
        ask();
        return;
      }
    }
    show(at[0], at[1]);
  });
  function release(e) {
    delete pointers[e.pointerId];
    if (Object.keys(pointers).length < 2) pinch = null;
  }
  canvas.addEventListener("pointerup", function (e) {
    var was = dragging, at = local(e);
    release(e);
    dragging = null;
    if (!was || was.moved) return;
    var hit = under(at[0], at[1]);
    if (!hit) return;
    if (hit.key) window.location.href = "/papers/" + hit.key;
    else zoomAt(4, at[0], at[1]);
  });
  canvas.addEventListener("pointercancel", function (e) { release(e); dragging = null; });
  canvas.addEventListener("pointerleave", function () { tip.hidden = true; });
  canvas.addEventListener("wheel", function (e) {
    e.preventDefault();
    var at = local(e);
    zoomAt(Math.exp(-e.deltaY * 0.0015), at[0], at[1]);
  }, { passive: false });
  frame.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      var how = button.dataset.zoom;
      if (how === "reset") { state.scale = 1; state.cx = 0.5; state.cy = 0.5; draw(); ask(); }
      else zoomAt(how === "in" ? 2 : 0.5, state.width / 2, state.height / 2);
    });
  });

  var form = document.querySelector(".fieldmap-overlay");
  var found = form.querySelector(".fieldmap-found");
  var clear = form.querySelector("[data-clear]");
  function overlay(query, what) {
    found.textContent = "…";
    fetch(canvas.dataset.overlay + "?" + query, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (o) {
        if (!o) { found.textContent = "Could not show that."; return; }
        state.overlay = o.points;
        clear.hidden = false;
        found.textContent = o.points.length + " " + what + " on the map" +
          (o.missing ? " (" + o.missing + " not placed yet)" : "") + ", the black diamonds.";
        draw();
      })
      .catch(function () { found.textContent = "Could not show that."; });
  }
  form.addEventListener("submit", function (e) {
    var q = form.elements.q.value.trim();
    e.preventDefault();
    if (q) overlay("q=" + encodeURIComponent(q), "results for “" + q + "”");
  });
  var mine = form.querySelector("[data-mine]");
  if (mine) mine.addEventListener("click", function () { overlay("mine=true", "of your upvotes"); });
  if (canvas.dataset.collection) {
    overlay("collection=" + encodeURIComponent(canvas.dataset.collection),
            "papers of “" + canvas.dataset.collectionName + "”");
  }
  clear.addEventListener("click", function () {
    state.overlay = []; clear.hidden = true; found.textContent = ""; draw();
  });

  fetch(canvas.dataset.topics, { headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (t) { if (t) { state.topics = t; draw(); } })
    .catch(function () {});
  window.addEventListener("resize", resize);
  resize();
})();
