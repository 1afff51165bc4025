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
    function said(ok) { done.textContent = ok ? "已复制，请粘贴到安全的地方保存。" : "复制未成功，请手动抄写。"; }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { said(true); }, function () { said(false); });
    } else {
      var range = document.createRange(); range.selectNodeContents(source);
      var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
      var ok = false; try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      said(ok);
    }
  });
})();
