// The Atlas map with JavaScript: Leaflet over world-atlas's outlines (no
// tiles, nothing from other hosts), the displacement layer shading the
// countries and the case studies from /api/v1/atlas/cases as GeoJSON, each
// opening its page. Without this script the page shows the server's SVG
// map and the list of the same case studies.
(function () {
  'use strict';

  var dataEl = document.getElementById('atlas-data');
  var box = document.getElementById('atlas-map');
  if (!dataEl || !box || !window.Promise || !window.fetch) return;
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

  function getJson(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (r) {
      if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
      return r.json();
    });
  }

  function step(value, max) {
    var share = Math.log10(value + 1) / Math.log10(max + 1);
    return Math.min(5, Math.floor(share * 5) + 1);
  }

  var css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = assets['leaflet.css'];
  document.head.appendChild(css);

  Promise.all([loadScript('leaflet.js'), loadScript('topojson-client.min.js')])
    .then(function () {
      return Promise.all([getJson(assets['countries-110m.json']), getJson(data.cases_url)]);
    })
    .then(function (got) {
      /* global L, topojson */
      var world = topojson.feature(got[0], got[0].objects.countries);
      var cases = got[1];
      var values = {};
      var max = 1;
      (data.layer && data.layer.values || []).forEach(function (v) {
        values[v.id] = v;
        if (v.value > max) max = v.value;
      });
      var svg = document.getElementById('atlas-svg');
      if (svg) svg.hidden = true;
      box.hidden = false;
      box.classList.add('atlas-leaflet');
      var map = L.map(box, { worldCopyJump: true, attributionControl: false, minZoom: 1, maxZoom: 8 });
      L.geoJSON(world, {
        style: function (f) {
          var v = values[f.id];
          return { className: v ? 'country step' + step(v.value, max) : 'country land', weight: 0.5 };
        },
        onEachFeature: function (f, layer) {
          var v = values[f.id];
          var name = (v && v.name) || (f.properties && f.properties.name) || '';
          layer.bindTooltip(v ? name + ': ' + fmt.format(v.value) : name, { sticky: true });
        }
      }).addTo(map);
      var shapes = L.geoJSON(cases, {
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { radius: 7, className: 'case onset-' + f.properties.onset });
        },
        style: function (f) { return { className: 'case onset-' + f.properties.onset }; },
        onEachFeature: function (f, layer) {
          var t = f.properties.texts[data.lang] || f.properties.texts.en || f.properties.texts[Object.keys(f.properties.texts)[0]];
          var a = document.createElement('a');
          a.href = f.properties.url;
          a.textContent = t ? t.title : f.properties.slug;
          var p = document.createElement('div');
          p.appendChild(a);
          if (t && t.summary) {
            var s = document.createElement('p');
            s.textContent = t.summary;
            p.appendChild(s);
          }
          layer.bindPopup(p);
        }
      }).addTo(map);
      if (cases.features && cases.features.length) {
        map.fitBounds(shapes.getBounds().pad(0.6), { maxZoom: 5 });
      } else {
        map.setView([15, 10], 1);
      }
      // Areas are also marked at their anchor (once the map has its view): at world zoom most are a few
      // pixels wide, too small to see or to click.
      (cases.features || []).forEach(function (f) {
        if (!f.geometry || f.geometry.type === 'Point' || f.geometry.type === 'MultiPoint') return;
        var a = f.properties.anchor;
        var marker = L.circleMarker([a[1], a[0]], { radius: 7, className: 'case onset-' + f.properties.onset });
        shapes.eachLayer(function (layer) {
          if (layer.feature === f && layer.getPopup()) marker.bindPopup(layer.getPopup().getContent());
        });
        marker.addTo(map);
      });
    })
    .catch(function (e) {
      // The server's map stays where it was.
      box.hidden = true;
      var svg = document.getElementById('atlas-svg');
      if (svg) svg.hidden = false;
      if (window.console) console.warn('atlas map:', e.message);
    });
})();
