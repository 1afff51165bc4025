/* Draws the charts of /stats from data-* attributes (no inline script: CSP). Each chart
   has the same figures as a table next to it, so nothing depends on this file. */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") return;
  var palette = ["#1f6f5c", "#d08a1e", "#b23b3b", "#4a6fa5", "#7a5c99", "#5f8f3e", "#8c6d46", "#3f8f9f"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var kind = canvas.dataset.chart;
    var labels = JSON.parse(canvas.dataset.labels || "[]");
    var datasets = JSON.parse(canvas.dataset.datasets || "[]");
    var stacked = kind === "stacked";
    datasets.forEach(function (ds, i) {
      if (kind === "doughnut") {
        ds.backgroundColor = labels.map(function (_, j) { return palette[j % palette.length]; });
      } else {
        ds.backgroundColor = palette[i % palette.length];
        ds.borderColor = palette[i % palette.length];
      }
    });
    new window.Chart(canvas, {
      type: stacked ? "bar" : kind,
      data: { labels: labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: stacked || kind === "doughnut" } },
        scales: kind === "doughnut" ? {} : {
          x: { stacked: stacked },
          y: { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } }
        }
      }
    });
    canvas.dataset.drawn = "true";
  });
})();
