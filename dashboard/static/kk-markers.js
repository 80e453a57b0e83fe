/* Krimpkaart: the initiatives on the map, from the compact point array that
   webmap/markers.py passes as JSON (packed by columns when large, see rows(); a
   large layer in the app names its pins by row in the names table that
   webmap/names.py serves, fetched once per data version, see names()):
     point = [lat, lon, style index, count, selected, ids, labels, approximate]
   where labels are plain text lines ("name \u00b7 place"); they are escaped here
   (kk.esc) before they become HTML. Each tooltip ends in a hidden "id:a,b" key
   that the page reads back from the clicked tooltip.
   Above o.threshold points supercluster clusters them: the map only ever holds
   the clusters and pins in view, made when they come into view. The selected
   initiative is never hidden inside a cluster. An approximate point (placed
   at its municipality's centre, say) gets a dashed outline (kk-map.css). */
(function () {
  'use strict';
  var kk = window.kk = window.kk || {};

  /* o: {points: [point] or base64 deflate text, styles: [[colour, symbol]],
         more: "... {n} more", cluster: "{n} ... zoom in", shared: "{n} ... here",
         locale, listMax, threshold} */
  kk.markers = function (group, o) {
    var esc = kk.esc, looks = o.styles;

    /* A keyboard user reaches every pin and cluster with Tab (Leaflet makes
       the marker a focusable button) and hears its name: the initiative and
       its place, or how many it holds. Enter or Space does what a click does:
       the same event, so the page selects it (or the cluster zooms in). */
    var named = function (marker, label, pressed) {
      marker.on('add', function () {
        var el = marker.getElement();
        if (!el || el.getAttribute('aria-label')) { return; }  // already named
        el.setAttribute('aria-label', label);
        if (pressed !== undefined) { el.setAttribute('aria-pressed', pressed ? 'true' : 'false'); }
        L.DomEvent.on(el, 'keydown', function (e) {
          if (e.key !== 'Enter' && e.key !== ' ') { return; }
          L.DomEvent.preventDefault(e);
          var pinEl = el.querySelector('[data-ids]');
          kk.refocus = pinEl ? pinEl.getAttribute('data-ids') : null;
          marker.fire('click', {latlng: marker.getLatLng(), originalEvent: e}, true);
        });
        // the page redraws the pins after a pick: focus stays on the picked one
        var mine = el.querySelector('[data-ids]');
        if (kk.refocus && mine && mine.getAttribute('data-ids') === kk.refocus) {
          kk.refocus = null;
          el.focus({preventScroll: true});
        }
      });
    };

    var pin = function (p) {
      var look = looks[p[2]];
      var cls = 'kk-pin' + (p[3] > 1 ? ' kk-multi' : '') + (p[4] ? ' kk-selected' : '')
        + (p[7] ? ' kk-approx' : '');
      var icon = L.divIcon({className: 'kk-pin-wrap', iconSize: [22, 22],
        html: '<div class="' + cls + '" data-n="' + p[3] + '" data-ids="' + esc(p[5])
              + '" style="background:' + look[0] + '">' + look[1] + '</div>'});
      var marker = L.marker([p[0], p[1]], {icon: icon, riseOnHover: true,
                                           zIndexOffset: p[4] ? 1000 : 0});
      var names = p[6].split('\n');
      named(marker, p[3] > 1 ? o.shared.replace('{n}', p[3].toLocaleString(o.locale)) + ': '
        + names.join('; ') + (p[3] > o.listMax ? '; ' + o.more.replace('{n}', p[3] - o.listMax)
          : '') : names[0], p[4]);
      var lines = names.map(function (line) {
        var cut = line.indexOf(' \u00b7 ');  // a middle dot: name, then place
        return cut < 0 ? '<b>' + esc(line) + '</b>'
          : '<b>' + esc(line.slice(0, cut)) + '</b>' + esc(line.slice(cut));
      });
      if (p[3] > o.listMax) { lines.push(esc(o.more.replace('{n}', p[3] - o.listMax))); }
      marker.bindTooltip(lines.join('<br>') + '<span style="display:none">id:'
                         + esc(p[5]) + '</span>', {direction: 'auto', offset: [0, 0]});
      return marker;
    };

    /* waiting: a promise while the pins' names are still on their way (a large layer
       refers to the names table, see names()); clusters need none, pins wait. */
    var build = function (pts, waiting) {
      var i, ready = !waiting;
      var whenNamed = function (fn) { if (ready) { fn(); } else { waiting.then(fn); } };
      if (pts.length <= o.threshold || typeof Supercluster === 'undefined') {
        whenNamed(function () {
          for (var j = 0; j < pts.length; j++) { group.addLayer(pin(pts[j])); }
        });
        return;
      }
      var features = [];
      for (i = 0; i < pts.length; i++) {
        if (pts[i][4]) {  // selected: its own pin, never inside a cluster
          whenNamed(function (p) { return function () { group.addLayer(pin(p)); }; }(pts[i]));
          continue;
        }
        features.push({type: 'Feature', properties: {i: i, n: pts[i][3]},
                       geometry: {type: 'Point', coordinates: [pts[i][1], pts[i][0]]}});
      }
      var index = new Supercluster({
        radius: 40, extent: 256, minZoom: 4, maxZoom: 15,  // the map zooms 4..17
        map: function (props) { return {n: props.n}; },
        reduce: function (sum, props) { sum.n += props.n; }
      });
      index.load(features);
      var map = null, shown = {}, pins = {};

      var cluster = function (c) {
        var n = c.properties.n, size = n < 10 ? 'small' : n < 100 ? 'medium' : 'large';
        var where = L.latLng(c.geometry.coordinates[1], c.geometry.coordinates[0]);
        var marker = L.marker(where, {
          title: o.cluster.replace('{n}', n.toLocaleString(o.locale)),
          icon: L.divIcon({className: 'marker-cluster marker-cluster-' + size,
                           iconSize: [40, 40],
                           html: '<div><span>' + n.toLocaleString(o.locale) + '</span></div>'})
        });
        named(marker, o.cluster.replace('{n}', n.toLocaleString(o.locale)));
        marker.on('click', function (e) {
          var zoom = Math.min(index.getClusterExpansionZoom(c.id), map.getMaxZoom());
          // from the keyboard: focus moves to the first pin or cluster it opened
          var byKey = e && e.originalEvent && e.originalEvent.type === 'keydown';
          if (byKey) {
            kk.refocus = null;
            map.once('moveend', function () { focusNear(where); });  // after draw
          }
          map.setView(where, Math.max(zoom, map.getZoom() + 1));
        });
        return marker;
      };

      /* After a keyboard zoom the cluster is gone: focus the marker nearest to
         where it was, so Tab goes on from there, not from the page's start. */
      var focusNear = function (where) {
        var best = null, bestD = Infinity, key, d;
        for (key in shown) {
          d = shown[key].getLatLng().distanceTo(where);
          if (d < bestD && shown[key].getElement()) { best = shown[key]; bestD = d; }
        }
        if (best) { best.getElement().focus({preventScroll: true}); }
      };

      var draw = function () {
        if (!map) { return; }
        var b = map.getBounds().pad(0.3), next = {}, key, item, k;
        var items = index.getClusters(
          [Math.max(b.getWest(), -180), Math.max(b.getSouth(), -85),
           Math.min(b.getEast(), 180), Math.min(b.getNorth(), 85)],
          Math.floor(map.getZoom()));
        for (k = 0; k < items.length; k++) {
          item = items[k];
          if (item.properties.cluster) {
            key = 'c' + item.id;
            next[key] = shown[key] || cluster(item);
          } else if (ready) {
            key = 'p' + item.properties.i;
            next[key] = pins[key] || (pins[key] = pin(pts[item.properties.i]));
          }
        }
        for (key in shown) { if (!next[key]) { group.removeLayer(shown[key]); } }
        for (key in next) {
          if (!shown[key]) {
            group.addLayer(next[key]);
            // a cluster's click zooms in; it is not a click on an initiative
            if (key[0] === 'c') { next[key].removeEventParent(group); }
          }
        }
        shown = next;
      };

      // The group's own add/remove, not those its markers pass up to it.
      group.on('add', function (e) {
        if (e.propagatedFrom || map) { return; }
        map = group._map;
        map.on('moveend', draw);
        draw();
      });
      group.on('remove', function (e) {
        if (e.propagatedFrom || !map) { return; }
        map.off('moveend', draw);
        map = null;
        shown = {};
      });
      if (group._map) { group.fire('add'); }  // unpacked after the group was added
      if (!ready) { waiting.then(function () { ready = true; draw(); }); }
    };

    if (typeof o.points !== 'string') { build(o.points); return; }
    // A large layer travels packed (webmap/markers.py pack_points): deflated JSON
    // with a column per field and coordinates as steps of 1e-5 degree.
    // No fetch() of a data: URL, so a strict Content-Security-Policy cannot block it.
    var raw = atob(o.points), bytes = new Uint8Array(raw.length), i;
    for (i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    new Response(new Blob([bytes]).stream()
      .pipeThrough(new DecompressionStream('deflate'))).json()
      .then(function (c) {
        var pts = rows(c);
        build(pts, c.names ? names(c.names, o.namesPath).then(function (table) {
          nameRows(pts, c, table, o.listMax);
        }) : null);
      }, function (err) { console.error('Krimpkaart markers:', err); });
  };

  /* The packed columns back into point rows (the inverse of pack_points). */
  var rows = function (c) {
    var pts = new Array(c.look.length), lat = 0, lon = 0, i;
    for (i = 0; i < pts.length; i++) {
      lat += c.lat[i];
      lon += c.lon[i];
      pts[i] = [lat / 1e5, lon / 1e5, c.look[i], c.n[i], 0, c.ids ? c.ids[i] : null,
                c.labels ? c.labels[i] : null, c.rough[i]];
    }
    for (i = 0; i < c.selected.length; i++) { pts[c.selected[i]][4] = 1; }
    return pts;
  };

  /* A layer that refers to the names table by row: fill in each point's ids and
     labels (as marker_points makes them: all ids, the first listMax labels). */
  var nameRows = function (pts, c, table, listMax) {
    var row = 0, i, j, more = {}, rs, ids, labels;
    for (i = 0; i < c.also.length; i++) { more[c.also[i][0]] = c.also[i].slice(1); }
    for (i = 0; i < pts.length; i++) {
      row += c.row[i];
      rs = more[i] ? [row].concat(more[i]) : [row];
      ids = [];
      labels = [];
      for (j = 0; j < rs.length; j++) {
        ids.push(table.ids[rs[j]]);
        if (j < listMax) { labels.push(table.labels[rs[j]]); }
      }
      pts[i][5] = ids.join(',');
      pts[i][6] = labels.join('\n');
    }
  };

  /* The names table, once per page and data version (the server's names route,
     below the page's own path; the browser may keep it: its name is its content).
     A failed fetch (a worker that restarted, say) is tried again, waiting 2 s, then
     longer, up to 30 s between tries, for as long as the page shows the layer:
     pins wait for it, clusters do not. */
  var tables = {};
  var names = function (key, path) {
    if (tables[key]) { return tables[key]; }
    var here = window.location.pathname, cut = here.indexOf('/component/');
    var url = (cut >= 0 ? here.slice(0, cut) : '') + '/' + path + '/' + key;
    var get = function (pause) {
      return fetch(url, {credentials: 'same-origin'}).then(function (response) {
        if (!response.ok) { throw new Error('names: HTTP ' + response.status); }
        return response.json();
      }).catch(function (err) {
        console.error('Krimpkaart markers:', err, '- trying again in', pause / 1000, 's');
        return new Promise(function (ok) { setTimeout(ok, pause); })
          .then(function () { return get(Math.min(pause * 2, 30000)); });
      });
    };
    tables[key] = get(2000);
    return tables[key];
  };
})();
