(function () {
  "use strict";
  function covering(id) {
    var found = [];
    var marks = document.querySelectorAll("mark[data-spans]");
    for (var i = 0; i < marks.length; i++) {
      if ((" " + marks[i].getAttribute("data-spans") + " ").indexOf(" " + id + " ") !== -1) found.push(marks[i]);
    }
    return found;
  }
  function targetOf(el) {
    var link = el && el.closest ? el.closest('a[href^="#a-"]') : null;
    return link ? link.getAttribute("href").slice(1) : null;
  }
  function flash(id) {
    covering(id).forEach(function (m) {
      m.classList.remove("flash");
      void m.offsetWidth;
      m.classList.add("flash");
    });
  }
  function peek(ev, on) {
    var id = targetOf(ev.target);
    if (id) covering(id).forEach(function (m) { m.classList.toggle("peek", on); });
  }
  document.addEventListener("click", function (ev) {
    var id = targetOf(ev.target);
    if (id) window.setTimeout(function () { flash(id); }, 0);
  });
  document.addEventListener("mouseover", function (ev) { peek(ev, true); });
  document.addEventListener("mouseout", function (ev) { peek(ev, false); });
  if (location.hash.indexOf("#a-") === 0) flash(location.hash.slice(1));
})();
