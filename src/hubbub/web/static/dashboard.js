/* A topic's dashboard: fetch each panel's figures, draw its chart, and drill down from any
   bar, point, slice or word into the post stream. The drill-down bucket is kept in the URL
   (?b={...}) so the view can be shared; the filters are already there. */
(function () {
  "use strict";
  var H, cfg, T;
  var drillLabel = null; // the clicked item's own name (an author's), when the bucket lacks it

  function panelUrl(panel) { return cfg.dataUrl + panel + (cfg.query ? "?" + cfg.query : ""); }

  // ---- drill-down ----------------------------------------------------------------------
  function bucketLabel(b) {
    var parts = [];
    Object.keys(b).forEach(function (k) {
      var v = b[k];
      if (k === "interval" || k === "tz") return;
      if (k === "t") parts.push(H.time(v, b.interval));
      else if (k === "platform" || k === "lang" || k === "country" || k === "sentiment") parts.push(H.label(k, v));
      else if (k === "hashtag") parts.push("#" + v);
      else if (k === "author") parts.push(b.author_name || v.split(":").slice(1).join(":"));
      else if (k !== "author_name") parts.push(v);
    });
    return parts.join(" · ");
  }

  function streamUrl(cursorless) {
    var params = new URLSearchParams(cfg.query);
    if (cfg.bucket) params.set("b", cfg.bucket);
    params.set("order", document.getElementById("stream-order").value);
    return document.getElementById("posts").dataset.url + "?" + params.toString();
  }

  function loadStream() {
    var drill = document.getElementById("drill");
    if (cfg.bucket) {
      document.getElementById("drill-label").textContent = drillLabel || bucketLabel(JSON.parse(cfg.bucket));
      drill.hidden = false;
    } else {
      drill.hidden = true;
    }
    document.getElementById("posts").setAttribute("aria-busy", "true");
    return htmx.ajax("GET", streamUrl(), { target: "#posts", swap: "innerHTML" }).then(function () {
      document.getElementById("posts").removeAttribute("aria-busy");
    });
  }

  function drill(bucket) {
    var clean = {};
    Object.keys(bucket || {}).forEach(function (k) { if (k !== "author_name") clean[k] = bucket[k]; });
    cfg.bucket = bucket ? JSON.stringify(clean) : null;
    drillLabel = bucket ? bucketLabel(bucket) : null;
    var url = new URL(window.location.href);
    if (cfg.bucket) url.searchParams.set("b", cfg.bucket); else url.searchParams.delete("b");
    // An author's name is not part of the bucket the server filters on; it travels as its own
    // display-only parameter so a shared or reloaded link still names the author, not its id.
    if (bucket && bucket.author_name) url.searchParams.set("bl", drillLabel); else url.searchParams.delete("bl");
    window.history.pushState({ bucket: cfg.bucket }, "", url.toString());
    exportLinks();
    loadStream();
    if (bucket) document.getElementById("stream").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  // The export buttons export what the post stream shows: the filters and the drill-down bucket.
  function exportLinks() {
    document.querySelectorAll(".export a[id^='export-']").forEach(function (a) {
      var url = new URL(a.href, window.location.href);
      if (cfg.bucket) url.searchParams.set("b", cfg.bucket); else url.searchParams.delete("b");
      a.href = url.toString();
    });
  }

  function onClick(chart, toBucket) {
    chart.on("click", function (params) {
      var bucket = toBucket(params);
      if (bucket) drill(bucket);
    });
  }

  // ---- panels --------------------------------------------------------------------------
  function horizontalBars(id, items, keyOf, labelOf, color, toBucket) {
    if (!items.length) return H.message(id, T("js.no_data"));
    var chart = H.init(id);
    var rows = items.slice().reverse();
    var option = H.base();
    option.tooltip.trigger = "axis";
    option.tooltip.axisPointer = { type: "shadow" };
    option.xAxis = { type: "value", splitLine: { lineStyle: { color: "#eef1f4" } } };
    option.yAxis = { type: "category", data: rows.map(labelOf), axisTick: { show: false },
      axisLabel: { width: 120, overflow: "truncate" } };
    option.series = [{ type: "bar", name: T("js.posts"), data: rows.map(function (r) { return r.count; }),
      itemStyle: { color: color, borderRadius: [0, 3, 3, 0] }, barMaxWidth: 16 }];
    chart.setOption(option);
    onClick(chart, function (p) { return toBucket(keyOf(rows[p.dataIndex])); });
  }

  function pie(id, items, kind, colors) {
    if (!items.length) return H.message(id, T("js.no_data"));
    var chart = H.init(id);
    var option = H.base();
    option.tooltip.trigger = "item";
    option.tooltip.valueFormatter = H.number;
    option.legend = { type: "scroll", bottom: 0, icon: "circle", itemWidth: 8, itemHeight: 8 };
    option.series = [{
      type: "pie", radius: ["45%", "70%"], center: ["50%", "45%"], avoidLabelOverlap: true,
      label: { formatter: "{d}%" , fontSize: 11 },
      itemStyle: { borderColor: "#fff", borderWidth: 2 },
      data: items.map(function (i) {
        var d = { name: i.label || H.label(kind, i.key), value: i.count, key: i.key };
        if (colors && colors[i.key]) d.itemStyle = { color: colors[i.key] };
        return d;
      })
    }];
    chart.setOption(option);
    onClick(chart, function (p) { var b = {}; b[kind] = p.data.key; return b; });
  }

  // The filter bar offers the values the panels found (keeping any value already chosen).
  function fillFilter(name, items, kind) {
    var select = document.querySelector('select[data-filter="' + name + '"]');
    if (!select) return;
    var have = {};
    Array.prototype.forEach.call(select.options, function (o) { have[o.value] = true; });
    items.forEach(function (i) {
      if (have[i.key] || i.key === "unknown") return;
      var option = document.createElement("option");
      option.value = i.key;
      option.textContent = i.label || H.label(kind, i.key);
      select.appendChild(option);
    });
  }

  var render = {
    volume: function (d) {
      document.getElementById("kpi-posts").textContent = H.number(d.total);
      fillFilter("platform", d.platforms, "platform");
      pie("platforms", d.platforms, "platform");
      if (!d.buckets.length) return H.message("volume", T("js.no_data"));
      var chart = H.init("volume");
      var option = H.base();
      option.tooltip.trigger = "axis";
      option.tooltip.valueFormatter = H.number;
      option.legend = { type: "scroll", top: 0, itemWidth: 10, itemHeight: 10 };
      option.grid.top = 36;
      option.xAxis = { type: "category", data: d.buckets.map(function (b) { return H.time(b.t, d.interval); }) };
      option.yAxis = { type: "value", splitLine: { lineStyle: { color: "#eef1f4" } } };
      option.dataZoom = [{ type: "inside" }];
      option.series = d.keys.map(function (k) {
        return { type: "bar", stack: "volume", id: k, name: d.labels[k] || k, barCategoryGap: "20%",
          emphasis: { focus: "series" }, data: d.buckets.map(function (b) { return b.by[k] || 0; }) };
      });
      chart.setOption(option);
      onClick(chart, function (p) {
        return { t: d.buckets[p.dataIndex].t, interval: d.interval, tz: d.tz, platform: p.seriesId };
      });
    },
    sentiment: function (d) {
      document.getElementById("kpi-net").textContent = d.net_sentiment === null ? "–" : H.number(Math.round(d.net_sentiment * 100));
      document.getElementById("kpi-negative").textContent = H.percent(d.shares.negative);
      var items = ["positive", "neutral", "negative", "unknown"]
        .filter(function (k) { return d.counts[k]; })
        .map(function (k) { return { key: k, count: d.counts[k], label: d.labels[k] }; });
      pie("sentiment-donut", items, "sentiment", H.sentimentColors);
      if (!d.over_time || !d.over_time.length) return H.message("sentiment-time", T("js.no_data"));
      var chart = H.init("sentiment-time");
      var option = H.base();
      option.tooltip.trigger = "axis";
      option.legend = { top: 0, itemWidth: 10, itemHeight: 10 };
      option.grid.top = 36;
      option.xAxis = { type: "category", data: d.over_time.map(function (b) { return H.time(b.t, d.interval); }) };
      option.yAxis = [
        { type: "value", splitLine: { lineStyle: { color: "#eef1f4" } } },
        { type: "value", min: -100, max: 100, splitLine: { show: false } }
      ];
      var keys = ["positive", "neutral", "negative"];
      option.series = keys.map(function (k) {
        return { type: "bar", stack: "s", id: k, name: d.labels[k], itemStyle: { color: H.sentimentColors[k] },
          data: d.over_time.map(function (b) { return b[k]; }) };
      });
      option.series.push({ type: "line", id: "net", name: T("js.net"), yAxisIndex: 1, smooth: true, symbolSize: 4,
        itemStyle: { color: "#5c6b7a" }, lineStyle: { width: 1.5, type: "dashed" }, connectNulls: true,
        data: d.over_time.map(function (b) { return b.net_sentiment === null ? null : Math.round(b.net_sentiment * 100); }) });
      chart.setOption(option);
      onClick(chart, function (p) {
        var b = { t: d.over_time[p.dataIndex].t, interval: d.interval, tz: d.tz };
        if (p.seriesId !== "net") b.sentiment = p.seriesId;
        return b;
      });
    },
    sov: function (d) {
      var names = Object.keys(d.shares || {});
      if (!d.rivals.length) {
        document.getElementById("kpi-sov").textContent = "–";
        return H.message("sov", T("js.no_rivals"));
      }
      document.getElementById("kpi-sov").textContent = H.percent(d.shares[d.topic]);
      var chart = H.init("sov");
      var option = H.base();
      option.tooltip.trigger = "item";
      option.tooltip.valueFormatter = H.number;
      option.legend = { type: "scroll", bottom: 0, icon: "circle", itemWidth: 8, itemHeight: 8 };
      option.series = [{ type: "pie", radius: ["45%", "70%"], center: ["50%", "45%"], label: { formatter: "{d}%", fontSize: 11 },
        itemStyle: { borderColor: "#fff", borderWidth: 2 },
        data: names.map(function (n) {
          return { name: n, value: d.totals[n], selected: n === d.topic };
        }) }];
      chart.setOption(option);
      // Another topic's slice opens that topic's dashboard with the same filters.
      chart.on("click", function (p) {
        if (p.name === d.topic) { drill(null); return; }
        window.location.href = cfg.topicUrl + encodeURIComponent(p.name) + (cfg.query ? "?" + cfg.query : "");
      });
    },
    hashtags: function (d) {
      horizontalBars("hashtags", d.items.slice(0, 15), function (i) { return i.key; },
        function (i) { return "#" + i.key; }, "#3b6fd8", function (k) { return { hashtag: k }; });
    },
    terms: function (d) {
      horizontalBars("terms", d.items.slice(0, 15), function (i) { return i.key; },
        function (i) { return i.key; }, "#2fa3b5", function (k) { return { term: k }; });
      if (!d.items.length) return H.message("cloud", T("js.no_data"));
      var chart = H.init("cloud");
      var max = d.items[0].count;
      chart.setOption({
        tooltip: { valueFormatter: H.number },
        series: [{
          type: "wordCloud", shape: "circle", gridSize: 6, sizeRange: [11, 40], rotationRange: [0, 0],
          width: "96%", height: "96%", drawOutOfBound: false, layoutAnimation: false,
          textStyle: {
            fontFamily: getComputedStyle(document.body).fontFamily,
            color: function (p) { return H.palette[p.dataIndex % 6]; }
          },
          emphasis: { textStyle: { color: "#1f2d3d" } },
          data: d.items.map(function (i) { return { name: i.key, value: i.count }; })
        }]
      });
      chart.max = max;
      onClick(chart, function (p) { return { term: p.name }; });
    },
    emerging: function (d) {
      if (!d.items || !d.items.length) {
        return H.message("emerging", d.since ? T("js.no_rising") : T("js.no_data"));
      }
      horizontalBars("emerging", d.items.slice(0, 12), function (i) { return i.term; },
        function (i) { return i.term; }, "#e0803a", function (k) { return { term: k }; });
    },
    countries: function (d) {
      fillFilter("country", d.items, "country");
      horizontalBars("countries", d.items, function (i) { return i.key; },
        function (i) { return i.label; }, "#8a63c9", function (k) { return { country: k }; });
    },
    languages: function (d) { fillFilter("lang", d.items, "lang"); pie("languages", d.items, "lang"); },
    authors: function (d) {
      var box = document.getElementById("authors");
      box.innerHTML = "";
      if (!d.items.length) { box.textContent = T("js.no_data"); return; }
      var table = document.createElement("table");
      table.className = "table authors";
      var head = table.createTHead().insertRow();
      [["js.author", ""], ["js.platform", ""], ["js.posts", "num"], ["js.reach", "num"],
        ["js.engagement", "num"], ["js.rate", "num"], ["js.influence", "num"]].forEach(function (c) {
        var th = document.createElement("th"); th.textContent = T(c[0]); th.className = c[1]; head.appendChild(th);
      });
      var body = table.createTBody();
      d.items.forEach(function (a) {
        var row = body.insertRow();
        row.className = "clickable";
        row.title = T("js.drill_hint");
        var who = row.insertCell();
        var strong = document.createElement("strong"); strong.textContent = a.name || a.handle; who.appendChild(strong);
        if (a.handle && a.handle !== a.name) {
          var small = document.createElement("span"); small.className = "muted small"; small.textContent = " @" + a.handle; who.appendChild(small);
        }
        if (a.verified) { var v = document.createElement("span"); v.className = "verified"; v.textContent = " ✓"; who.appendChild(v); }
        row.insertCell().textContent = a.platform_label;
        [[a.posts, H.number], [a.reach, H.number], [a.engagement, H.number], [a.engagement_rate, H.percent],
          [a.influence, function (x) { return x === null ? "–" : x.toFixed(1); }]].forEach(function (c) {
          var cell = row.insertCell(); cell.className = "num"; cell.textContent = c[1](c[0]);
        });
        row.addEventListener("click", function () {
          drill({ author: a.platform + ":" + a.author_id, author_name: a.name || a.handle });
        });
      });
      box.appendChild(table);
      box.dataset.rows = String(d.items.length);
    }
  };

  function load(panel) {
    return H.fetchJson(panelUrl(panel)).then(function (data) {
      render[panel](data);
      // bench/web.py reads these marks: when each panel's chart was filled.
      performance.mark("hubbub:panel:" + panel);
    }).catch(function (err) {
      document.querySelectorAll('[data-panel="' + panel + '"]').forEach(function (el) {
        H.message(el.id.replace(/^chart-/, ""), T("js.failed") + " " + err.message);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    H = HubbubCharts.make(HubbubCharts.config("dash-config"));
    cfg = H.cfg;
    T = H.t;
    window.HubbubDashboard = H;
    var panels = ["volume", "sentiment", "sov", "hashtags", "terms", "emerging", "countries",
      "languages", "authors"];
    drillLabel = new URL(window.location.href).searchParams.get("bl");
    H.ready = Promise.all([loadStream()].concat(panels.map(load))).then(function () {
      performance.mark("hubbub:charts-ready");
      document.body.dataset.chartsReady = "true";
    });
    document.getElementById("drill-clear").addEventListener("click", function () { drill(null); });
    document.getElementById("stream-order").addEventListener("change", loadStream);
    window.addEventListener("popstate", function () {
      cfg.bucket = new URL(window.location.href).searchParams.get("b");
      drillLabel = new URL(window.location.href).searchParams.get("bl");
      exportLinks();
      loadStream();
    });
  });
})();
