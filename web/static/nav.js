// Qingfeng: the top bar's menus. Each menu is a <details>, so it opens and closes with
// the keyboard and works without this script; the script only closes the others when one
// opens, closes them on a click elsewhere or Escape, and folds the menu on phones.
(function () {
  "use strict";
  var header = document.querySelector(".topbar");
  if (!header) { return; }
  header.classList.add("js-nav");
  var menus = Array.prototype.slice.call(header.querySelectorAll("details[data-menu]"));
  function closeAll(except) {
    menus.forEach(function (m) { if (m !== except) { m.open = false; } });
  }
  menus.forEach(function (m) {
    m.addEventListener("toggle", function () { if (m.open) { closeAll(m); } });
  });
  document.addEventListener("click", function (event) {
    if (!header.contains(event.target)) { closeAll(null); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = menus.filter(function (m) { return m.open; })[0];
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });
  var toggle = header.querySelector("[data-nav-toggle]");
  var nav = document.getElementById("mainnav");
  if (toggle && nav) {
    toggle.addEventListener("click", function () {
      var opened = nav.classList.toggle("open");
      header.classList.toggle("nav-open", opened);
      toggle.setAttribute("aria-expanded", opened ? "true" : "false");
    });
  }
})();
