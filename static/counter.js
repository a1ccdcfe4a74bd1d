// The live count of a text field against its limit. The server checks the same limit and writes
// the first count; this only keeps it current while the person types or pastes. Nothing is cut.
"use strict";
(function () {
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return values[key].toLocaleString("en-US");
    });
  }
  document.querySelectorAll("textarea[data-limit], input[data-limit]").forEach(function (field) {
    var counter = document.getElementById(field.id + "-count");
    var limit = parseInt(field.getAttribute("data-limit"), 10);
    if (!counter || !limit) {
      return;
    }
    function update() {
      // Characters as the server counts them (code points), a line break as one.
      var count = Array.from(field.value).length;
      var over = count > limit;
      counter.classList.toggle("over", over);
      counter.textContent = fill(
        counter.getAttribute(over ? "data-over" : "data-template"),
        { count: count, limit: limit, over: count - limit }
      );
    }
    field.addEventListener("input", update);
    update();
  });
})();
