/* Every page: the workspace switcher and the "download chart as PNG" buttons. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var switcher = document.getElementById("workspace-switcher");
    if (switcher) {
      switcher.addEventListener("change", function () { window.location.href = switcher.value; });
    }
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-png]");
      if (!button || !window.echarts) return;
      var chart = echarts.getInstanceByDom(document.getElementById("chart-" + button.dataset.png));
      if (!chart) return;
      var link = document.createElement("a");
      link.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#ffffff" });
      link.download = button.dataset.png + ".png";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  });
})();
