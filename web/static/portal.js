// 匿名举报: hide the name and phone fields and clear what was typed in them.
(function () {
  var radios = document.querySelectorAll('input[name="named"]');
  function sync() {
    var named = document.querySelector('input[name="named"][value="y"]');
    var show = named && named.checked;
    document.querySelectorAll(".named-only").forEach(function (box) {
      box.hidden = !show;
      if (!show) box.querySelectorAll("input").forEach(function (i) { i.value = ""; });
    });
  }
  radios.forEach(function (r) { r.addEventListener("change", sync); });
  sync();
})();

// The receipt code: a copy button (shown only where JavaScript runs), digits without spaces.
(function () {
  var button = document.querySelector("button[data-copy]");
  if (!button) return;
  var source = document.getElementById(button.getAttribute("data-copy"));
  var done = document.querySelector(".copy-done");
  button.hidden = false;
  button.addEventListener("click", function () {
    var text = source.textContent.replace(/\s+/g, "");
    var settled = false;
    function said(ok) {
      if (settled) return;
      settled = true;
      done.textContent = ok ? "已复制，请粘贴到安全的地方保存。" : "复制未成功，请手动抄写。";
    }
    function bySelection() {
      // The digits without spaces, as the clipboard API would have written them.
      var area = document.createElement("textarea");
      area.value = text; area.setAttribute("readonly", ""); area.className = "offscreen";
      document.body.appendChild(area); area.select();
      var ok = false; try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      said(ok);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { said(true); }, bySelection);
      // A clipboard request can stay unanswered (an unfocused page): copy by selection then.
      setTimeout(function () { if (!settled) bySelection(); }, 1500);
    } else {
      bySelection();
    }
  });
})();
