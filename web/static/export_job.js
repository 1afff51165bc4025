// Ledger export progress: ask the job's JSON status once a second and move the bar until
// the file is ready, then show the download link. Without JavaScript the page refreshes
// itself (<noscript> meta refresh). Text is put in with textContent only.
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var line = box.querySelector("[data-testid=export-progress]");
  var label = box.querySelector("[data-export-label]");
  var parts = {
    done: box.querySelector("[data-export-done]"),
    running: box.querySelector("[data-export-running]"),
    failed: box.querySelector("[data-export-failed]"),
    interrupted: box.querySelector("[data-export-interrupted]")
  };
  function show(job) {
    box.setAttribute("data-status", job.status);
    label.textContent = job.label;
    bar.value = job.percent;
    bar.textContent = job.percent + "%";
    line.textContent = "已写入 " + job.done + " / " + job.total + " 条（" + job.percent + "%）";
    var running = job.status === "queued" || job.status === "running";
    parts.running.hidden = !running;
    parts.done.hidden = job.status !== "done";
    parts.failed.hidden = job.status !== "failed";
    parts.interrupted.hidden = job.status !== "interrupted";
    return running;
  }
  function poll() {
    fetch(box.getAttribute("data-status-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (job) { if (show(job)) { window.setTimeout(poll, 1000); } })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  var now = box.getAttribute("data-status");
  if (now === "queued" || now === "running") { window.setTimeout(poll, 500); }
}());
