// The evidence dashboard's drawings: the chart of dead and missing by year
// (uPlot), the map of incidents and the choropleth of displacement
// (Leaflet over world-atlas outlines; no tiles, nothing from other hosts).
// The page works without this script: its tables hold the same numbers.
// Data come from the page's <script type="application/json" id="ev-data">
// and, for the incident points, from /api/v1/incidents/points.
(function () {
  'use strict';

  var dataEl = document.getElementById('ev-data');
  if (!dataEl || !window.Promise || !window.fetch) return;
  var data;
  try {
    data = JSON.parse(dataEl.textContent);
  } catch (e) {
    return;
  }
  var assets = data.assets || {};
  var fmt = new Intl.NumberFormat(data.lang || 'en');

  function loadScript(name) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = assets[name];
      s.onload = resolve;
      s.onerror = function () { reject(new Error('cannot load ' + name)); };
      document.head.appendChild(s);
    });
  }

  function loadCss(name) {
    var l = document.createElement('link');
    l.rel = 'stylesheet';
    l.href = assets[name];
    document.head.appendChild(l);
  }

  function getJson(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (r) {
      if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
      return r.json();
    });
  }

  // ------------------------------------------------------------ chart

  function drawChart() {
    var el = document.getElementById('ev-chart');
    var c = data.chart;
    if (!el || !c || !c.x || c.x.length === 0) return;
    el.hidden = false;
    var width = Math.max(280, Math.min(el.clientWidth || 640, 960));
    var label = function (x) {
      if (!c.by_month) return String(Math.round(x));
      var year = Math.floor(x + 1e-6);
      var month = Math.round((x - year) * 12) + 1;
      return year + '-' + (month < 10 ? '0' : '') + month;
    };
    /* global uPlot */
    var chart = new uPlot({
      width: width,
      height: 280,
      scales: { x: { time: false } },
      axes: [
        { values: function (u, ticks) { return ticks.map(function (t) { return Number.isInteger(t) || c.by_month ? label(t) : ''; }); } },
        { values: function (u, ticks) { return ticks.map(function (t) { return fmt.format(t); }); }, size: 60 },
      ],
      series: [
        { label: '', value: function (u, v) { return v == null ? '' : label(v); } },
        { label: c.labels.dead, stroke: '#b3261e', width: 2, value: function (u, v) { return v == null ? '' : fmt.format(v); } },
        { label: c.labels.missing, stroke: '#0b4f8a', width: 2, value: function (u, v) { return v == null ? '' : fmt.format(v); } },
      ],
    }, [c.x, c.dead, c.missing], el);
    window.addEventListener('resize', function () {
      chart.setSize({ width: Math.max(280, Math.min(el.clientWidth || 640, 960)), height: 280 });
    });
  }

  // ------------------------------------------------------------ maps

  function newMap(el) {
    el.hidden = false;
    /* global L */
    var map = L.map(el, {
      minZoom: 1,
      maxZoom: 8,
      zoomSnap: 0.5,
      worldCopyJump: false,
      maxBounds: [[-85, -220], [85, 220]],
    });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution('Natural Earth');
    map.fitBounds([[-50, -160], [72, 170]]);
    return map;
  }

  function drawIncidents(countries) {
    var el = document.getElementById('ev-map');
    if (!el) return;
    el.setAttribute('aria-label', data.labels.map_incidents);
    var map = newMap(el);
    L.geoJSON(countries, {
      interactive: false,
      style: { color: '#ffffff', weight: 0.6, fillColor: '#dfe3e8', fillOpacity: 1 },
    }).addTo(map);
    getJson(data.points_url).then(function (p) {
      var layer = L.layerGroup();
      p.points.forEach(function (pt) {
        var total = pt[4];
        var radius = Math.min(24, Math.max(2, Math.sqrt(total) * 0.7));
        L.circleMarker([pt[0], pt[1]], {
          radius: radius,
          color: '#7f1d16',
          weight: 1,
          fillColor: '#b3261e',
          fillOpacity: 0.45,
        }).bindTooltip(data.labels.total + ': ' + fmt.format(total) + ' · ' + data.labels.incidents + ': ' + fmt.format(pt[5]))
          .addTo(layer);
      });
      layer.addTo(map);
      el.setAttribute('data-points', String(p.points.length));
    }).catch(function () {
      el.setAttribute('data-points', 'unavailable');
    });
  }

  var BINS = ['b0', 'b1', 'b2', 'b3', 'b4'];
  var COLOURS = ['#fee5d9', '#fcae91', '#fb6a4a', '#de2d26', '#a50f15'];

  function drawChoropleth(countries) {
    var el = document.getElementById('ev-choropleth');
    var ch = data.choropleth;
    if (!el || !ch) return;
    el.setAttribute('aria-label', data.labels.map_displacement + ' (' + ch.label + ')');
    var byId = {};
    var byName = {};
    var max = 0;
    ch.values.forEach(function (v) {
      if (v.id) byId[v.id] = v;
      if (v.code === 'XKX') byName.Kosovo = v;
      if (v.value > max) max = v.value;
    });
    // Log-scaled bins from 1 to the largest figure.
    var top = Math.log10(Math.max(10, max));
    var edges = [0, 1, 2, 3, 4].map(function (i) { return Math.pow(10, (top * i) / 5); });
    function bin(value) {
      var b = 0;
      for (var i = 0; i < edges.length; i++) if (value >= edges[i]) b = i;
      return b;
    }
    var map = newMap(el);
    L.geoJSON(countries, {
      style: function (f) {
        var v = byId[f.id] || byName[f.properties && f.properties.name];
        return {
          color: '#ffffff',
          weight: 0.6,
          fillColor: v ? COLOURS[bin(v.value)] : '#dfe3e8',
          fillOpacity: 1,
        };
      },
      onEachFeature: function (f, layer) {
        var v = byId[f.id] || byName[f.properties && f.properties.name];
        var name = v ? v.name : (f.properties && f.properties.name) || '';
        layer.bindTooltip(name + ': ' + (v ? fmt.format(v.value) : data.labels.no_figure));
      },
    }).addTo(map);
    var legend = L.control({ position: 'bottomleft' });
    legend.onAdd = function () {
      var div = L.DomUtil.create('div', 'ev-legend');
      var title = document.createElement('div');
      title.textContent = ch.label;
      div.appendChild(title);
      edges.forEach(function (e, i) {
        var row = document.createElement('div');
        var swatch = document.createElement('i');
        swatch.className = BINS[i];
        row.appendChild(swatch);
        var upper = i + 1 < edges.length ? edges[i + 1] : max;
        row.appendChild(document.createTextNode(fmt.format(Math.round(e)) + ' – ' + fmt.format(Math.round(upper))));
        div.appendChild(row);
      });
      return div;
    };
    legend.addTo(map);
    el.setAttribute('data-countries', String(ch.values.length));
  }

  function drawMaps() {
    if (!document.getElementById('ev-map') && !document.getElementById('ev-choropleth')) return;
    loadCss('leaflet.css');
    Promise.all([loadScript('leaflet.js'), loadScript('topojson-client.min.js')])
      .then(function () { return getJson(assets['countries-110m.json']); })
      .then(function (world) {
        /* global topojson */
        var countries = topojson.feature(world, world.objects.countries);
        drawIncidents(countries);
        drawChoropleth(countries);
      })
      .catch(function () { /* the tables stand */ });
  }

  if (data.chart && data.chart.x && data.chart.x.length) {
    loadCss('uPlot.min.css');
    loadScript('uPlot.iife.min.js').then(drawChart).catch(function () { /* the table stands */ });
  }
  drawMaps();
})();
