/* Krimpkaart: the web map's own layers and controls.
   The folium elements in dashboard/webmap (and export/html.py) render one-line
   calls into window.kk, passing the Leaflet map and their data as JSON.
   Loaded after Leaflet and before kk-markers.js (webmap/assets.py). */
(function () {
  'use strict';
  var kk = window.kk = window.kk || {};

  /* Text as HTML: every user-supplied label passes through here before it
     becomes HTML (tooltips, data attributes). */
  kk.esc = function (s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  };

  /* Add a shipped layer's shapes: fetched once from a static file (the promise
     kk-prefetch.js started), or embedded in the page (exported HTML, no static
     serving). */
  var fill = function (layer, o, then) {
    if (o.url) {
      window.kkLayer(o.url).then(function (data) {
        layer.addData(data);
        if (then) { then(); }
      });
    } else {
      layer.addData(o.data);
    }
  };

  /* Province borders or region outlines: lines only, not clickable.
     o: {styles: {regiotype or '': style}, url | data} */
  kk.outlineLayer = function (map, o) {
    var layer = L.geoJson(null, {interactive: false, style: function (f) {
      return o.styles[f.properties.regiotype || ''] || o.styles[''];
    }});
    layer.addTo(map);
    fill(layer, o);
    return layer;
  };

  /* The municipalities, styled by region type (or population change), with
     tooltips (HTML escaped in Python, ending in the hidden gm: key).
     o: {tips: {code: html}, pick: {code: style index}, styles: [style], url | data} */
  kk.municipalityLayer = function (map, o) {
    var styleOf = function (f) { return o.styles[o.pick[f.properties.k]]; };
    var layer = L.geoJson(null, {
      smoothFactor: 0.5,
      style: styleOf,
      onEachFeature: function (f, l) {
        l.bindTooltip(o.tips[f.properties.k], {sticky: true});
        l.on('mouseover', function () { l.setStyle({weight: 2.5, color: '#000'}); });
        l.on('mouseout', function () { l.setStyle(styleOf(f)); });
      }
    });
    layer.addTo(map);
    fill(layer, o, function () { layer.bringToBack(); });
    return layer;
  };

  /* Region names as non-interactive labels, hidden when zoomed far out.
     o: {labels: [[lat, lon, escaped name, regiotype]]} */
  kk.regionLabels = function (map, o) {
    var group = L.layerGroup();
    o.labels.forEach(function (r) {
      L.marker([r[0], r[1]], {interactive: false, keyboard: false,
        icon: L.divIcon({className: 'kk-region-label kk-' + r[3],
                         html: r[2], iconSize: null})}).addTo(group);
    });
    var toggle = function () {
      if (map.getZoom() >= 7) { group.addTo(map); } else { group.remove(); }
    };
    map.on('zoomend', toggle);
    toggle();
  };

  /* Legend control (top left; the zoom buttons move to the right). Narrow maps
     start with it folded so it hides no region.
     o: {html: our own escaped HTML, foldBelow: px} */
  kk.legend = function (map, o) {
    var legend = L.control({position: 'topleft'});
    legend.onAdd = function () {
      var div = L.DomUtil.create('div', 'kk-legend');
      div.innerHTML = o.html;
      if (map.getSize().x < o.foldBelow) {
        div.querySelector('details').open = false;
      }
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    if (map.zoomControl) { map.zoomControl.setPosition('topright'); }
    legend.addTo(map);
  };

  /* The CBS/Kadaster credit in Leaflet's attribution control.
     o: {text: escaped HTML} */
  kk.attribution = function (map, o) {
    map.attributionControl.addAttribution(o.text);
  };

  /* A kilometre-only scale bar (folium's control_scale also shows miles). */
  kk.metricScale = function (map) {
    L.control.scale({imperial: false, position: 'bottomright'}).addTo(map);
  };

  /* Title, filters and source of an exported map as a control (top right).
     o: {html: our own escaped HTML} */
  kk.exportHeader = function (map, o) {
    var head = L.control({position: 'topright'});
    head.onAdd = function () {
      var div = L.DomUtil.create('div', 'kk-export-head');
      div.innerHTML = o.html;
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    head.addTo(map);
  };

  /* Fit the bounds once the frame has its final size. With avoidPanels (the
     exported map, whose legend and title card are open) the fit keeps clear of
     those panels: beside them when that leaves the larger map, otherwise below.
     o: {bounds: [[south, west], [north, east]], avoidPanels: bool} */
  kk.fitOnLoad = function (map, o) {
    var fit = function () {
      var bounds = L.latLngBounds(o.bounds);
      var box = map.getContainer().getBoundingClientRect();
      var left = 6, right = 6, top = 6;
      if (o.avoidPanels) {
        map.getContainer().querySelectorAll('.kk-legend, .kk-export-head')
          .forEach(function (el) {
            var r = el.getBoundingClientRect();
            if (!r.width) { return; }
            if (r.left + r.width / 2 < box.left + box.width / 2) {
              left = Math.max(left, r.right - box.left + 6);
            } else {
              right = Math.max(right, box.right - r.left + 6);
            }
            top = Math.max(top, r.bottom - box.top + 6);
          });
      }
      var beside = map.getBoundsZoom(bounds, false, L.point(left + right, 12));
      var below = map.getBoundsZoom(bounds, false, L.point(12, top + 6));
      if (beside >= below) {
        map.fitBounds(bounds, {paddingTopLeft: [left, 6], paddingBottomRight: [right, 6]});
      } else {
        map.fitBounds(bounds, {paddingTopLeft: [6, top], paddingBottomRight: [6, 6]});
      }
    };
    setTimeout(function () { map.invalidateSize(); fit(); }, 60);
  };

  /* A click counts where the pointer went down. Pressing on the map can scroll
     the page (the frame takes focus and is scrolled into view), so by the
     click the map has moved under a pointer that stayed put, and Leaflet's
     click position is off by the scroll: 26 px, 14 km at 1440x900. Registered
     before streamlit-folium's own click handler (which runs after the map
     script), this puts the press position into the event object that the
     later handlers, streamlit-folium's "last_clicked" among them, read. The
     screen position tells a still pointer: it does not change with a scroll. */
  kk.clickWhereDown = function (map) {
    var down = null;
    map.on('mousedown', function (e) {
      var o = e.originalEvent;
      down = {latlng: e.latlng, layerPoint: e.layerPoint, containerPoint: e.containerPoint,
              x: o.screenX, y: o.screenY, center: map.getCenter(), zoom: map.getZoom()};
    });
    map.on('click', function (e) {
      var o = e.originalEvent, was = down;
      down = null;
      if (!was || Math.abs(o.screenX - was.x) > 3 || Math.abs(o.screenY - was.y) > 3) { return; }
      if (was.zoom !== map.getZoom() || !was.center.equals(map.getCenter())) { return; }
      e.latlng = was.latlng;
      e.layerPoint = was.layerPoint;
      e.containerPoint = was.containerPoint;
    });
  };

  /* The point a facilitator is placing (webmap/pending.py): the same pin as on
     the small placement map, not clickable, so a click beside it moves it.
     o: {point: [lat, lon], title} */
  kk.pendingPin = function (group, o) {
    L.marker(o.point, {
      interactive: false, keyboard: false, zIndexOffset: 2000, title: o.title,
      icon: L.divIcon({className: 'kk-place-pin', html: '<span></span>',
                       iconSize: [30, 42], iconAnchor: [15, 42]})
    }).addTo(group);
  };
})();
