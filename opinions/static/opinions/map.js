/* The opinion map's chart: a scatter of the placed participants by group (ECharts, served
   from the app's static files), with the reader's own point marked. The data comes from
   the page (json_script: never inline script); when the live client swaps in a fresh
   #opinion-map region after an opinion.* event, the chart is drawn again from it. */
(function () {
  "use strict";
  var COLOURS = { A: "#1a5fb4", B: "#e66100", C: "#26a269", D: "#9141ac", E: "#c64600" };
  var chart = null;

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function colour(label) {
    return COLOURS[label] || "#646a73";
  }

  // Participants who voted alike share a point: one dot per position, sized by how many
  // stand on it, so a crowd does not look like one person.
  function series(points, groupText) {
    var byLabel = {};
    points.forEach(function (p) {
      var spots = byLabel[p[2]] = byLabel[p[2]] || {};
      var key = p[0] + "," + p[1];
      spots[key] = spots[key] || [p[0], p[1], 0];
      spots[key][2] += 1;
    });
    return Object.keys(byLabel).sort().map(function (label) {
      var spots = byLabel[label];
      return {
        name: groupText.replace("%s", label),
        type: "scatter",
        data: Object.keys(spots).map(function (key) { return spots[key]; }),
        symbolSize: function (value) { return 8 + 4 * Math.sqrt(value[2] - 1); },
        itemStyle: { color: colour(label), opacity: 0.7 }
      };
    });
  }

  // An axis end a little beyond the outermost point, so no dot is cut at the edge.
  function padded(side) {
    return function (extent) {
      var margin = (extent.max - extent.min) * 0.12 + 0.1;
      return side < 0 ? extent.min - margin : extent.max + margin;
    };
  }

  function draw() {
    var box = document.getElementById("opinion-chart");
    if (chart) { chart.dispose(); chart = null; }
    if (!box || !window.echarts) { return; }
    var points = readJson("opinion-points") || [];
    var me = readJson("opinion-me");
    var all = series(points, box.getAttribute("data-group") || "%s");
    if (me) {
      all.push({
        name: box.getAttribute("data-you") || "",
        type: "scatter",
        data: [[me.x, me.y]],
        symbol: "diamond",
        symbolSize: 18,
        z: 10,
        itemStyle: { color: "#1f2328", borderColor: "#fff", borderWidth: 2 }
      });
    }
    chart = window.echarts.init(box, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      legend: { bottom: 0, itemWidth: 12, itemHeight: 12 },
      grid: { left: 8, right: 8, top: 8, bottom: 36, containLabel: false },
      xAxis: { type: "value", show: false, min: padded(-1), max: padded(1) },
      yAxis: { type: "value", show: false, min: padded(-1), max: padded(1) },
      series: all
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("gongzhi:refreshed", function (event) {
    if (event.detail && event.detail.id === "opinion-map") { draw(); }
  });
  window.addEventListener("resize", function () { if (chart) { chart.resize(); } });
}());
