// Qingfeng: small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  // Ask before irreversible steps (forms carrying data-confirm).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
