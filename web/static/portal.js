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
