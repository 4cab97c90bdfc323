// storylens web app: optional niceties; every page works without this file.
(function () {
  "use strict";
  // Hovering a highlight lights up every piece of the spans it belongs to.
  function piecesOf(mark) {
    var ids = (mark.getAttribute("data-spans") || "").split(" ");
    var all = document.querySelectorAll("mark[data-spans]");
    var out = [];
    for (var i = 0; i < all.length; i++) {
      var theirs = " " + all[i].getAttribute("data-spans") + " ";
      for (var j = 0; j < ids.length; j++) {
        if (ids[j] && theirs.indexOf(" " + ids[j] + " ") !== -1) { out.push(all[i]); break; }
      }
    }
    return out;
  }
  function peek(ev, on) {
    var mark = ev.target && ev.target.closest ? ev.target.closest("mark[data-spans]") : null;
    if (mark) piecesOf(mark).forEach(function (m) { m.classList.toggle("peek", on); });
  }
  document.addEventListener("mouseover", function (ev) { peek(ev, true); });
  document.addEventListener("mouseout", function (ev) { peek(ev, false); });

  // The story page's filter: show only the statements that cite one article.
  function applyFilter(key) {
    var items = document.querySelectorAll("main [data-articles]");
    for (var i = 0; i < items.length; i++) {
      var keys = " " + items[i].getAttribute("data-articles") + " ";
      items[i].classList.toggle("filtered-out", key !== "" && keys.indexOf(" " + key + " ") === -1);
    }
    var buttons = document.querySelectorAll("#filter button");
    for (var k = 0; k < buttons.length; k++) {
      buttons[k].setAttribute("aria-pressed", String(buttons[k].getAttribute("data-key") === key));
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var filter = document.getElementById("filter");
    if (filter) {
      filter.hidden = false;
      filter.addEventListener("click", function (ev) {
        var button = ev.target.closest ? ev.target.closest("button[data-key]") : null;
        if (button) applyFilter(button.getAttribute("data-key"));
      });
    }
    var focus = document.querySelector("mark.hl-focus");
    if (focus && !location.hash) focus.scrollIntoView({ block: "center" });
  });
})();
