// Intake desk: Ctrl+Enter (or Cmd+Enter) submits the form from any field, so a clerk
// on the phone never needs the mouse. The form works without it.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) {
      return;
    }
    var form = event.target && event.target.closest && event.target.closest("form[data-ctrl-enter]");
    if (form) {
      event.preventDefault();
      if (form.requestSubmit) {
        form.requestSubmit();
      } else {
        form.submit();
      }
    }
  });
})();
