// Draws the dashboard's charts with Apache ECharts from the JSON the page embeds; clicks drill down.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  function chart(id, option, onClick) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) { return; }
    var c = window.echarts.init(el, null, { renderer: "svg" });
    option.textStyle = { fontFamily: "sans-serif" };
    c.setOption(option);
    if (onClick) { c.on("click", onClick); }
    window.addEventListener("resize", function () { c.resize(); });
  }
  var areas = data.areas;
  chart("chart-areas", {
    title: { text: "各区划登记率与数据完整度（%）", left: "center", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis" }, legend: { bottom: 0 },
    grid: { left: 40, right: 10, top: 40, bottom: 60 },
    xAxis: { type: "category", data: areas.map(function (a) { return a.name; }), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "value", max: 100 },
    series: [
      { name: "登记率", type: "bar", data: areas.map(function (a) { return a.rate; }),
        markLine: { symbol: "none", data: [{ yAxis: 90, name: "目标 90%" }] } },
      { name: "数据完整度", type: "bar", data: areas.map(function (a) { return a.complete; }),
        markLine: { symbol: "none", data: [{ yAxis: 80, name: "目标 80%" }] } }
    ]
  }, function (p) { var a = areas[p.dataIndex]; if (a && !a.own) { location.search = "?node=" + a.code; } });
  chart("chart-outcomes", {
    title: { text: "入库结果", left: "center", textStyle: { fontSize: 14 } }, tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["35%", "65%"], data: data.outcomes }]
  }, function (p) { if (data.can_search) { location.href = "/persons/?outcome=" + p.data.code + "&area=" + data.node; } });
  chart("chart-coverage", {
    title: { text: "各险种覆盖率（%）", left: "center", textStyle: { fontSize: 14 } }, tooltip: {},
    xAxis: { type: "category", data: data.coverage.map(function (c) { return c.name; }) },
    yAxis: { type: "value", max: 100 }, series: [{ type: "bar", data: data.coverage.map(function (c) { return c.value; }) }]
  });
  chart("chart-trend", {
    title: { text: "历次比对（%）", left: "center", textStyle: { fontSize: 14 } }, tooltip: { trigger: "axis" }, legend: { bottom: 0 },
    xAxis: { type: "category", data: data.trend.map(function (t) { return t.run; }) }, yAxis: { type: "value", max: 100 },
    series: [{ name: "登记率", type: "line", data: data.trend.map(function (t) { return t.rate; }) },
             { name: "数据完整度", type: "line", data: data.trend.map(function (t) { return t.complete; }) }]
  });
  // Per quarter: the run each quarter's report is made from; a quarter without a report is a gap in the
  // lines (null), and a point opens that quarter's report of this node.
  var quarters = data.quarters;
  chart("chart-quarters", {
    title: { text: "各季度（%）", left: "center", textStyle: { fontSize: 14 } }, legend: { bottom: 0 },
    tooltip: { trigger: "axis", formatter: function (ps) {
      var q = quarters[ps[0].dataIndex];
      if (!q.run) { return q.period + "：无报表"; }
      return q.period + "（比对批次 " + q.run + "）<br>" + ps.map(function (p) { return p.marker + p.seriesName + " " + p.value + "%"; }).join("<br>");
    } },
    xAxis: { type: "category", data: quarters.map(function (q) { return q.period; }) }, yAxis: { type: "value", max: 100 },
    series: [{ name: "登记率", type: "line", data: quarters.map(function (q) { return q.rate; }) },
             { name: "数据完整度", type: "line", data: quarters.map(function (q) { return q.complete; }) }]
  }, function (p) {
    var q = quarters[p.dataIndex];
    if (q && q.run) { location.href = "/reports/quarterly/?node=" + data.node + "&period=" + q.period; }
  });
  function bars(id, title, rows, onClick) {
    chart(id, {
      title: { text: title, left: "center", textStyle: { fontSize: 14 } }, tooltip: {},
      grid: { left: 120, right: 20, top: 40, bottom: 20 },
      yAxis: { type: "category", data: rows.map(function (r) { return r.name; }), inverse: true },
      xAxis: { type: "value" }, series: [{ type: "bar", data: rows.map(function (r) { return r.value; }) }]
    }, onClick);
  }
  bars("chart-reasons", "调查原因", data.reasons);
  bars("chart-flags", "异常标识", data.flags, function (p) {
    var f = data.flags[p.dataIndex];
    if (f && data.can_search) { location.href = "/persons/?flag=" + f.code + "&area=" + data.node; }
  });
})();
