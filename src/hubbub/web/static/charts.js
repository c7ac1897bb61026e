/* Shared by the dashboard and compare pages: palette, locale formatting, chart set-up.
   Exposes window.HubbubCharts. Every chart instance is kept in HubbubCharts.instances (by id)
   so tests and the PNG buttons can reach it. */
(function () {
  "use strict";
  var PALETTE = ["#3b6fd8", "#e0803a", "#3aa37a", "#c2474f", "#8a63c9", "#2fa3b5", "#b88a2c",
    "#5c6b7a", "#d36aa6", "#7fa33a", "#9a6b4f", "#4f5bd5"];
  var SENTIMENT_COLORS = { positive: "#3aa37a", neutral: "#9aa5b1", negative: "#c2474f", unknown: "#d5dae0" };

  function config(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  function make(cfg) {
    var numberFormat = new Intl.NumberFormat(cfg.locale);
    var percentFormat = new Intl.NumberFormat(cfg.locale, { style: "percent", maximumFractionDigits: 1 });
    var dayFormat = new Intl.DateTimeFormat(cfg.locale, { month: "short", day: "numeric", timeZone: "UTC" });
    var hourFormat = new Intl.DateTimeFormat(cfg.locale, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
    var api = {
      cfg: cfg,
      instances: {},
      palette: PALETTE,
      sentimentColors: SENTIMENT_COLORS,
      t: function (key) { return cfg.t[key] || key; },
      label: function (kind, key) {
        if (key === null || key === undefined || key === "") return api.t("label.unknown");
        return cfg.t[kind + "." + key] || cfg.t[kind + "." + String(key).split("-")[0]] || key;
      },
      number: function (n) { return n === null || n === undefined ? "–" : numberFormat.format(n); },
      percent: function (x) { return x === null || x === undefined ? "–" : percentFormat.format(x); },
      time: function (iso, interval) {
        var d = new Date(iso);
        return interval === "hour" ? hourFormat.format(d) : dayFormat.format(d);
      },
      init: function (id) {
        var el = document.getElementById("chart-" + id);
        if (!el) return null;
        el.innerHTML = "";
        var chart = echarts.init(el, null, { renderer: "canvas", locale: cfg.lang === "zh" ? "ZH" : "EN" });
        api.instances[id] = chart;
        return chart;
      },
      message: function (id, text) {
        var el = document.getElementById("chart-" + id) || document.getElementById(id);
        if (!el) return;
        var chart = echarts.getInstanceByDom(el);
        if (chart) chart.dispose();
        el.innerHTML = "";
        var p = document.createElement("p");
        p.className = "chart-empty";
        p.textContent = text;
        el.appendChild(p);
      },
      base: function () {
        return {
          color: PALETTE,
          textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
          animationDuration: 300,
          tooltip: { confine: true },
          grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true }
        };
      },
      fetchJson: function (url) {
        return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (r) {
            return r.json().then(function (body) {
              if (!r.ok) throw new Error((body.error && body.error.message) || r.statusText);
              return body;
            });
          });
      }
    };
    window.addEventListener("resize", function () {
      Object.keys(api.instances).forEach(function (k) { api.instances[k].resize(); });
    });
    return api;
  }

  window.HubbubCharts = { config: config, make: make };
})();
