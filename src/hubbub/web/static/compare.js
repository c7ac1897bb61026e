/* Compare 2-5 topics on the same figures; each topic keeps one colour on every chart. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var H = HubbubCharts.make(HubbubCharts.config("compare-config"));
    var cfg = H.cfg, T = H.t;
    window.HubbubCompare = H;

    function openTopic(name) { window.location.href = cfg.topicUrl + encodeURIComponent(name); }

    function draw(d) {
      var names = d.topics;
      var kpis = document.getElementById("compare-kpis");
      names.forEach(function (n, i) {
        var p = d.per_topic[n];
        var card = document.createElement("a");
        card.className = "kpi card";
        card.href = cfg.topicUrl + encodeURIComponent(n);
        card.style.borderTopColor = H.palette[i];
        var label = document.createElement("div"); label.className = "kpi-label"; label.textContent = n;
        var value = document.createElement("div"); value.className = "kpi-value"; value.textContent = H.number(p.total);
        var sub = document.createElement("div"); sub.className = "muted small";
        sub.textContent = T("js.share") + " " + H.percent(d.sov.shares[n]) + " · " + T("js.net") + " " +
          (p.net_sentiment === null ? "–" : Math.round(p.net_sentiment * 100));
        card.append(label, value, sub);
        kpis.appendChild(card);
      });

      var first = d.per_topic[names[0]].volume;
      var volume = H.init("c-volume"), o = H.base();
      o.tooltip.trigger = "axis"; o.legend = { top: 0 }; o.grid.top = 36;
      o.xAxis = { type: "category", data: first.map(function (b) { return H.time(b.t, "day"); }) };
      o.yAxis = { type: "value", splitLine: { lineStyle: { color: "#eef1f4" } } };
      o.series = names.map(function (n) {
        var byTime = {};
        d.per_topic[n].volume.forEach(function (b) { byTime[b.t] = b.total; });
        return { type: "line", name: n, smooth: true, symbolSize: 4, data: first.map(function (b) { return byTime[b.t] || 0; }) };
      });
      volume.setOption(o);
      volume.on("click", function (p) { openTopic(p.seriesName); });

      var sov = H.init("c-sov"); o = H.base();
      o.tooltip.trigger = "item"; o.legend = { bottom: 0, type: "scroll" };
      o.series = [{ type: "pie", radius: ["45%", "70%"], center: ["50%", "45%"], label: { formatter: "{d}%" },
        data: names.map(function (n) { return { name: n, value: d.sov.totals[n] }; }) }];
      sov.setOption(o);
      sov.on("click", function (p) { openTopic(p.name); });

      var mix = H.init("c-sentiment"); o = H.base();
      o.tooltip.trigger = "axis"; o.legend = { top: 0 }; o.grid.top = 36;
      o.xAxis = { type: "value", max: 1, axisLabel: { formatter: function (v) { return H.percent(v); } } };
      o.yAxis = { type: "category", data: names };
      o.series = ["positive", "neutral", "negative", "unknown"].map(function (k) {
        return { type: "bar", stack: "mix", name: d.sentiment_labels[k], itemStyle: { color: H.sentimentColors[k] },
          data: names.map(function (n) {
            var c = d.per_topic[n].sentiment, total = 0;
            Object.keys(c).forEach(function (x) { total += c[x]; });
            return total ? c[k] / total : 0;
          }) };
      });
      o.tooltip.valueFormatter = H.percent;
      mix.setOption(o);

      var net = H.init("c-net"); o = H.base();
      o.tooltip.trigger = "axis";
      o.xAxis = { type: "category", data: names };
      o.yAxis = { type: "value", min: -100, max: 100 };
      o.series = [{ type: "bar", name: T("js.net"), data: names.map(function (n, i) {
        var v = d.per_topic[n].net_sentiment;
        return { value: v === null ? null : Math.round(v * 100), itemStyle: { color: H.palette[i] } };
      }) }];
      net.setOption(o);
      net.on("click", function (p) { openTopic(p.name); });

      var keys = Object.keys(d.platform_labels);
      var plat = H.init("c-platforms"); o = H.base();
      o.tooltip.trigger = "axis"; o.legend = { top: 0 }; o.grid.top = 36;
      o.xAxis = { type: "category", data: keys.map(function (k) { return d.platform_labels[k]; }) };
      o.yAxis = { type: "value" };
      o.series = names.map(function (n) {
        return { type: "bar", name: n, data: keys.map(function (k) { return d.per_topic[n].platforms[k] || 0; }) };
      });
      plat.setOption(o);

      var tags = document.getElementById("compare-hashtags");
      names.forEach(function (n, i) {
        var col = document.createElement("div");
        col.className = "hashtag-col";
        col.style.borderTopColor = H.palette[i];
        var h = document.createElement("h3"); h.textContent = n; col.appendChild(h);
        var ol = document.createElement("ol");
        d.per_topic[n].hashtags.forEach(function (item) {
          var li = document.createElement("li");
          li.textContent = "#" + item.key + " ";
          var c = document.createElement("span"); c.className = "muted"; c.textContent = H.number(item.count);
          li.appendChild(c); ol.appendChild(li);
        });
        col.appendChild(ol);
        tags.appendChild(col);
      });
    }

    H.ready = H.fetchJson(cfg.dataUrl + "&" + cfg.topics.map(function (n) {
      return "topic=" + encodeURIComponent(n);
    }).join("&")).then(function (d) {
      draw(d);
      document.body.dataset.chartsReady = "true";
    }).catch(function (err) {
      ["c-volume", "c-sov", "c-sentiment", "c-net", "c-platforms"].forEach(function (id) {
        H.message(id, T("js.failed") + " " + err.message);
      });
    });
  });
})();
