// 下达整改事项: the 责任人 picker lists only the users of the chosen 责任单位 (the server
// checks the same rule: rectification/responsible.py). Without JavaScript every user of the
// units below is listed and a wrong choice is refused with a message.
(function () {
  "use strict";
  var picker = document.querySelector("select[data-filter-by]");
  if (!picker) { return; }
  var units = document.getElementById(picker.getAttribute("data-filter-by"));
  if (!units) { return; }
  function narrow() {
    var unit = units.value;
    Array.prototype.forEach.call(picker.options, function (option) {
      var owner = option.getAttribute("data-unit");
      if (!owner) { return; }
      var fits = !unit || owner === unit;
      option.hidden = !fits;
      option.disabled = !fits;
      if (!fits && option.selected) { picker.value = ""; }
    });
  }
  units.addEventListener("change", narrow);
  narrow();
})();
