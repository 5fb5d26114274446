// Dashboard charts, drawn with the vendored Chart.js from data the page carries
// as JSON. The same figures are in the tables below, so nothing is lost
// without JavaScript.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var palette = ["#1f6f8b", "#e07a5f", "#81b29a", "#f2cc8f", "#6d597a", "#3d405b", "#b56576", "#4d908e"];

  function withColours(datasets) {
    return datasets.map(function (dataset, index) {
      var colour = palette[index % palette.length];
      return Object.assign({}, dataset, { backgroundColor: colour, borderColor: colour });
    });
  }

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) {
      return;
    }
    if (!config.data.labels.length) {
      canvas.closest("figure").classList.add("chart-empty");
      return;
    }
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options);
    new window.Chart(canvas, config);
  }

  draw("chart-months", {
    type: "bar",
    data: { labels: data.months.labels, datasets: withColours(data.months.datasets) },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
  });
  draw("chart-target-groups", {
    type: "bar",
    data: { labels: data.target_groups.labels, datasets: withColours(data.target_groups.datasets) },
    options: { indexAxis: "y", scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } } }
  });
  draw("chart-knowledge", {
    type: "bar",
    data: { labels: data.knowledge.labels, datasets: withColours(data.knowledge.datasets) },
    options: { scales: { y: { beginAtZero: true, max: 100 } } }
  });
})();
