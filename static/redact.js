// Drawing a region over the photo fills the coordinate form of the regions page
// (/admin/objects/N/media/M/regions), in the master's pixels. Everything also works without
// this script: the form takes the numbers typed in.
"use strict";
(function () {
  var stage = document.getElementById("redact-stage");
  var image = document.getElementById("redact-image");
  if (!stage || !image) return;
  var fields = {};
  ["x", "y", "w", "h"].forEach(function (name) { fields[name] = document.getElementById("region-" + name); });
  var shape = document.getElementById("region-shape");
  var width = Number(stage.dataset.width), height = Number(stage.dataset.height);
  Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (el) { el.hidden = false; });

  var box = document.createElement("div");
  box.className = "redact-box";
  box.hidden = true;
  stage.appendChild(box);
  var start = null;

  // A pointer position as master pixels, clamped to the image.
  function point(event) {
    var rect = image.getBoundingClientRect();
    var scale = width / rect.width;
    var x = Math.min(Math.max(event.clientX - rect.left, 0), rect.width);
    var y = Math.min(Math.max(event.clientY - rect.top, 0), rect.height);
    return { x: x * scale, y: y * scale, scale: scale };
  }

  function show(a, b) {
    var x = Math.round(Math.min(a.x, b.x)), y = Math.round(Math.min(a.y, b.y));
    var w = Math.round(Math.abs(a.x - b.x)), h = Math.round(Math.abs(a.y - b.y));
    w = Math.min(w, width - x); h = Math.min(h, height - y);
    box.hidden = false;
    box.style.left = (x / a.scale) + "px";
    box.style.top = (y / a.scale) + "px";
    box.style.width = (w / a.scale) + "px";
    box.style.height = (h / a.scale) + "px";
    box.style.borderRadius = shape && shape.value === "ellipse" ? "50%" : "0";
    return { x: x, y: y, w: w, h: h };
  }

  image.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    start = point(event);
    if (image.setPointerCapture) image.setPointerCapture(event.pointerId);
  });
  image.addEventListener("pointermove", function (event) {
    if (start) show(start, point(event));
  });
  function finish(event) {
    if (!start) return;
    var region = show(start, point(event));
    start = null;
    if (region.w < 1 || region.h < 1) { box.hidden = true; return; }
    Object.keys(fields).forEach(function (name) { if (fields[name]) fields[name].value = region[name]; });
    if (fields.x) fields.x.focus();
  }
  image.addEventListener("pointerup", finish);
  image.addEventListener("pointercancel", function () { start = null; box.hidden = true; });
  if (shape) shape.addEventListener("change", function () {
    box.style.borderRadius = shape.value === "ellipse" ? "50%" : "0";
  });
})();
