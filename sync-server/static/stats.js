/* Draws the statistics page's charts with ECharts from the page's own JSON
   (no inline script: the pages' CSP allows scripts from this server only).
   Without JavaScript the same numbers are in the tables below the charts. */
(function () {
  var monthly = document.getElementById("chart-monthly");
  if (!monthly || !window.echarts) { return; }
  var font = '"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif';
  var xhr = new XMLHttpRequest();
  xhr.open("GET", monthly.getAttribute("data-src"));
  xhr.onload = function () {
    if (xhr.status !== 200) { return; }
    var data = JSON.parse(xhr.responseText);
    var months = data.monthly.map(function (m) { return m.month + "月"; });
    echarts.init(monthly).setOption({
      textStyle: { fontFamily: font },
      tooltip: { trigger: "axis" },
      legend: { data: ["检查次数", "隐患数"] },
      xAxis: { type: "category", data: months },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "检查次数", type: "bar", data: data.monthly.map(function (m) { return m.inspections; }) },
        { name: "隐患数", type: "line", data: data.monthly.map(function (m) { return m.hazards; }) }
      ],
      animation: false
    });
    var dept = data.indicators.by_department;
    echarts.init(document.getElementById("chart-department")).setOption({
      textStyle: { fontFamily: font },
      tooltip: {},
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: dept.map(function (d) { return d[0]; }).reverse() },
      series: [{ type: "bar", data: dept.map(function (d) { return d[1]; }).reverse(), label: { show: true, position: "right" } }],
      grid: { left: 90 },
      animation: false
    });
    document.body.setAttribute("data-charts", "drawn");
  };
  xhr.send();
})();
