// Intake desk: while the clerk types, ask the server for earlier tips that read alike
// (this body, the bodies above and below) and list them before anything is registered.
// Text is put in with textContent only. The form works without it.
(function () {
  "use strict";
  var form = document.getElementById("intake-form");
  var panel = document.getElementById("similar-panel");
  if (!form || !panel) { return; }
  var list = panel.querySelector("ol");
  var status = panel.querySelector("[data-similar-status]");
  var timer = null;
  var asked = "";
  function field(name) { var el = form.elements[name]; return el ? el.value : ""; }
  function render(items) {
    list.textContent = "";
    panel.hidden = items.length === 0;
    status.textContent = items.length ? "发现 " + items.length + " 件可能重复的举报，请先核对：" : "";
    items.forEach(function (it) {
      var li = document.createElement("li");
      var head = document.createElement("strong");
      head.textContent = "相似度 " + Math.round(it.score * 100) + "% · " + it.body + " · " + it.received_on + "收到";
      li.appendChild(head);
      if (it.reference) {
        li.appendChild(document.createTextNode(" · 编号 "));
        if (it.url) {
          var a = document.createElement("a"); a.href = it.url; a.textContent = it.reference; li.appendChild(a);
        } else { li.appendChild(document.createTextNode(it.reference)); }
      }
      var p = document.createElement("div");
      p.className = "muted";
      p.textContent = (it.visible ? it.summary + " — " : "（其他机关收到，内容不显示，请与该机关联系核对）— ") + it.reasons.join("；");
      li.appendChild(p);
      list.appendChild(li);
    });
  }
  function check() {
    var data = new FormData();
    ["csrf_token", "content", "accused_unit_name", "accused_name", "unit_id"].forEach(function (n) {
      data.append(n, field(n));
    });
    var key = [field("content"), field("accused_name"), field("accused_unit_name"), field("unit_id")].join("\u0001");
    if (key === asked) { return; }
    asked = key;
    fetch(panel.getAttribute("data-url"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (body) { render(body.items || []); })
      .catch(function () { /* the check is a help; registering never depends on it */ });
  }
  form.addEventListener("input", function (event) {
    if (!/^(content|accused_name|accused_unit_name)$/.test(event.target.name || "")) { return; }
    clearTimeout(timer);
    timer = setTimeout(check, 500);
  });
  form.addEventListener("change", function (event) {
    if (event.target.name === "unit_id") { check(); }
  });
})();
