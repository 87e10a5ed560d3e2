// Draws each chart of a dashboard page from the JSON the server embedded beside it
// (<script type="application/json" id="...-data">) with the packaged plotly.min.js. The table
// under each chart stays: it is the chart in words and what shows without JavaScript.
(function () {
  "use strict";
  function draw() {
    if (!window.Plotly) { return; }
    var phone = window.matchMedia("(max-width: 600px)").matches;
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.dataset.chart);
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      if (phone) {
        // Smaller axis text leaves the plot most of a 360 px screen; the table has the figures.
        ["xaxis", "yaxis"].forEach(function (axis) {
          figure.layout[axis] = Object.assign({}, figure.layout[axis], {tickfont: {size: 10}});
        });
      }
      // No tool bar over the plot: hover, drag to zoom and double-click to reset remain.
      window.Plotly.newPlot(element, figure.data, figure.layout,
                            {responsive: true, displaylogo: false, displayModeBar: false});
      element.classList.add("ioc-chart-drawn");
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
