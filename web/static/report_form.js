// Statistical form editor: totals while typing, a warning before leaving unsaved figures,
// the confirmation of 报送 with the totals, and a hint when the table scrolls sideways.
// The page works without it: 报送 then saves and asks on the server (reporting.send).
(function () {
  "use strict";
  var form = document.querySelector("[data-report-form]");
  if (!form) { return; }
  var dirty = form.hasAttribute("data-unsaved");

  function field(key) {
    return form.querySelector('input[name="' + key + '"]');
  }
  function shown(key) {
    return form.querySelector('[data-cell="' + key + '"]');
  }
  // A cell's number: NaN for what is not a number (the server names the cell on save).
  function number(text) {
    text = String(text || "").trim().replace(/,/g, "");
    if (text === "") { return 0; }
    return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  }
  function valueOf(key, seen) {
    var input = field(key);
    if (input) { return number(input.value); }
    var span = shown(key);
    if (!span) { return 0; }
    var parts = span.getAttribute("data-sum");
    if (!parts || seen[key]) { return number(span.textContent); }
    seen[key] = true;
    return parts.split(" ").reduce(function (total, part) { return total + valueOf(part, seen); }, 0);
  }
  function format(value) {
    if (isNaN(value)) { return "?"; }
    return String(Math.round(value * 10000) / 10000);  // 万元 to four places
  }
  function recompute() {
    form.querySelectorAll("[data-sum]").forEach(function (span) {
      span.textContent = format(valueOf(span.getAttribute("data-cell"), {}));
    });
  }

  form.addEventListener("input", function (event) {
    dirty = true;
    if (event.target.matches && event.target.matches("input.num")) { recompute(); }
  });

  window.addEventListener("beforeunload", function (event) {
    if (!dirty) { return undefined; }
    event.preventDefault();
    event.returnValue = "";  // the browser shows its own "leave this page?" question
    return "";
  });

  function totalsText() {
    recompute();
    var lines = [], all = 0;
    form.querySelectorAll("[data-total-label]").forEach(function (span) {
      all += 1;
      if (span.textContent !== "0") {
        lines.push(span.getAttribute("data-total-label") + "：" + span.textContent);
      }
    });
    if (!all) { return ""; }
    if (!lines.length) { return "\n\n合计：各项均为 0。"; }
    return "\n\n合计：\n" + lines.join("\n") + (lines.length < all ? "\n其余各项为 0。" : "");
  }

  function notNumbers() {
    return Array.prototype.some.call(form.querySelectorAll("input.num"), function (input) {
      return isNaN(number(input.value));
    });
  }

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    var label = button && button.getAttribute("data-send");
    if (label && notNumbers()) {
      dirty = false;  // a cell is not a number: the server names it; nothing to confirm yet
      return;
    }
    if (label) {
      var question = "确定" + label + "？" + label + "后不能再修改（上级审核人员打开之前可以撤回）。" + totalsText();
      if (!window.confirm(question)) {
        event.preventDefault();
        return;
      }
      var confirmed = document.createElement("input");
      confirmed.type = "hidden";
      confirmed.name = "confirmed";
      confirmed.value = "1";
      form.appendChild(confirmed);
    }
    dirty = false;  // what is on screen goes to the server with this request
    if (label && button) {
      // One press sends once: a second press would meet a form that is no longer a draft.
      window.setTimeout(function () { button.disabled = true; }, 0);
    }
  });

  // A table wider than its box says so, and shades the side that has more columns.
  function markScroll() {
    document.querySelectorAll("[data-form-scroll]").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("scrolls", scrolls);
      box.classList.toggle("at-end", box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
      var hint = box.previousElementSibling;
      if (hint && hint.hasAttribute("data-scroll-hint")) { hint.hidden = !scrolls; }
    });
  }
  document.querySelectorAll("[data-form-scroll]").forEach(function (box) {
    box.addEventListener("scroll", markScroll, { passive: true });
  });
  window.addEventListener("resize", markScroll);
  markScroll();
  recompute();
})();
