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

  /* Focus the map without scrolling. Leaflet focuses the map's container on
     mousedown (keyboard handler) and after a click on a control; focus()
     scrolls every ancestor to show the element, so inside the app's iframe
     the whole page jumped about 25 px and the click landed beside the pin.
     Leaflet only restores its own window's scroll, not the parent page's. */
  var focusMap = function (map) {
    map.getContainer().focus({preventScroll: true});
  };
  if (window.L && L.Map.Keyboard) {
    L.Map.Keyboard.prototype._onMouseDown = function () {
      if (!this._focused) { focusMap(this._map); }
    };
  }
  if (window.L && L.Control) {
    L.Control.prototype._refocusOnMap = function (e) {
      if (this._map && e && e.screenX > 0 && e.screenY > 0) { focusMap(this._map); }
    };
  }

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

  /* The shapes of a named outline layer, for kk.focus: a promise that resolves
     once the base map has named the layer (its script runs first). */
  var shapes = {}, waiting = {};
  kk.shapesOf = function (name) {
    if (!shapes[name]) {
      shapes[name] = new Promise(function (resolve) { waiting[name] = resolve; });
    }
    return shapes[name];
  };
  var haveShapes = function (name, promise) {
    kk.shapesOf(name);
    waiting[name](promise);
  };

  /* Province borders or region outlines: lines only, not clickable.
     o: {name: 'provinces' | 'regions', styles: {regiotype or '': style}, url | data} */
  kk.outlineLayer = function (map, o) {
    var layer = L.geoJson(null, {interactive: false, style: function (f) {
      return o.styles[f.properties.regiotype || ''] || o.styles[''];
    }});
    layer.addTo(map);
    fill(layer, o);
    if (o.name) { haveShapes(o.name, o.url ? window.kkLayer(o.url) : Promise.resolve(o.data)); }
    return layer;
  };

  /* The chosen regions and provinces outlined (a white halo under a dark line:
     visible on every fill and basemap, and a shape, not only a colour), and the
     map fitted once to them or to the search results (webmap/focus.py). The
     fit happens once per key: the page remembers the last key (kk.frame keeps
     it across a new map frame), so a rerun for another reason leaves the
     user's view alone. quiet: remember the key without moving (a shared view).
     o: {key, bounds: [[s, w], [n, e]] | null, quiet, maxZoom,
         outlines: [{layer, prop, values}]} */
  kk.focus = function (group, o) {
    o.outlines.forEach(function (sel) {
      kk.shapesOf(sel.layer).then(function (data) {
        var features = data.features.filter(function (f) {
          return sel.values.indexOf(f.properties[sel.prop]) >= 0;
        });
        var shape = {type: 'FeatureCollection', features: features};
        L.geoJson(shape, {interactive: false, style: {color: '#ffffff', weight: 8,
          opacity: 0.85, fill: false}}).addTo(group);
        L.geoJson(shape, {interactive: false, style: {color: '#1d1d1b', weight: 3.5,
          opacity: 1, fill: false, className: 'kk-focus-line'}}).addTo(group);
      });
    });
    var memory = (kk.frame && kk.frame.memory) || kk;
    if (memory.focusKey === o.key) { return; }
    memory.focusKey = o.key;
    if (!o.bounds || o.quiet) { return; }
    var bounds = L.latLngBounds(o.bounds);
    var fit = function (map) {
      var pads = kk.panelPadding(map, bounds, true);
      map.fitBounds(bounds, {paddingTopLeft: pads[0], paddingBottomRight: pads[1],
                             maxZoom: o.maxZoom, animate: false});
    };
    /* The frame and its panels may still settle (a new page, the legend's
       stylesheet): fit again after each size change of the map or a panel in
       the next seconds, until the user touches the map. */
    var follow = function (map) {
      var container = map.getContainer(), until = Date.now() + 3000;
      var refit = function () {
        if (Date.now() < until && map.getSize().x > 0 && map.getSize().y > 0) { fit(map); }
      };
      var panels = window.ResizeObserver ? new ResizeObserver(refit) : null;
      if (panels) {
        container.querySelectorAll('.leaflet-control').forEach(function (el) {
          panels.observe(el);
        });
      }
      var stop = function () {
        if (panels) { panels.disconnect(); }
        map.off('resize', refit);
        ['pointerdown', 'touchstart', 'wheel', 'keydown'].forEach(function (name) {
          container.removeEventListener(name, stop, true);
        });
      };
      map.on('resize', refit);
      ['pointerdown', 'touchstart', 'wheel', 'keydown'].forEach(function (name) {
        container.addEventListener(name, stop, true);
      });
      setTimeout(stop, 3000);
    };
    var whenSized = function (map) {
      var size = map.getSize();
      if (size.x > 0 && size.y > 0) {
        fit(map);
        follow(map);
      } else {
        map.once('resize', function () { whenSized(map); });
      }
    };
    if (group._map) { whenSized(group._map); return; }
    var onAdd = function (e) {
      if (e.propagatedFrom) { return; }
      group.off('add', onAdd);
      whenSized(group._map);
    };
    group.on('add', onAdd);
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

  /* Legend control (top left; the zoom buttons move to the right). It starts
     open, except on maps narrower than foldBelow (phones), where it would hide
     the map. Opening or closing it is remembered for the browser tab
     (sessionStorage), so a new map (another language or layer) keeps it.
     o: {html: our own escaped HTML, foldBelow: px} */
  var LEGEND_KEY = 'krimpkaart-legend';
  var remembered = function () {
    try { return window.sessionStorage.getItem(LEGEND_KEY); } catch (err) { return null; }
  };
  var remember = function (open) {
    try { window.sessionStorage.setItem(LEGEND_KEY, open ? 'open' : 'closed'); } catch (err) {
      /* storage refused (private mode, sandbox): the legend still works */
    }
  };
  kk.legend = function (map, o) {
    var legend = L.control({position: 'topleft'});
    legend.onAdd = function () {
      var div = L.DomUtil.create('div', 'kk-legend');
      div.innerHTML = o.html;
      var details = div.querySelector('details');
      var choice = remembered();
      details.open = choice ? choice === 'open' : map.getSize().x >= o.foldBelow;
      // a click (or Enter) on the title toggles it: remember what the user chose
      details.querySelector('summary').addEventListener('click', function () {
        remember(!details.open);
      });
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    if (map.zoomControl) { map.zoomControl.setPosition('topright'); }
    legend.addTo(map);
  };

  /* The sources in Leaflet's attribution control, plus the CBS/Kadaster credit:
     one line where that fits beside the scale bar; otherwise folded behind an
     "i" button (small maps), so the credit covers no part of the country. The
     button opens it (wrapped) and folds it again.
     o: {text: escaped HTML, label: the button's accessible name} */
  kk.attribution = function (map, o) {
    var control = map.attributionControl;
    control.addAttribution(o.text);
    var container = map.getContainer();
    var button = null;
    var userOpened = false;
    var toggle = L.control({position: 'bottomright'});
    toggle.onAdd = function () {
      button = L.DomUtil.create('button', 'kk-attribution-toggle');
      button.type = 'button';
      button.textContent = 'i';
      button.title = o.label;
      button.setAttribute('aria-label', o.label);
      L.DomEvent.disableClickPropagation(button);
      L.DomEvent.on(button, 'click', function () {
        userOpened = L.DomUtil.hasClass(container, 'kk-attribution-folded');
        setFolded(!userOpened);
      });
      return button;
    };
    var setFolded = function (folded) {
      L.DomUtil[folded ? 'addClass' : 'removeClass'](container, 'kk-attribution-folded');
      button.setAttribute('aria-expanded', String(!folded));
    };
    var fitsOnOneLine = function () {
      var left = 0;
      container.querySelectorAll('.leaflet-bottom.leaflet-left .leaflet-control')
        .forEach(function (el) { left = Math.max(left, el.offsetWidth + 10); });
      return control.getContainer().offsetWidth <= map.getSize().x - left - 16;
    };
    var update = function () {
      if (!map.getSize().x) { return; }
      L.DomUtil.removeClass(container, 'kk-attribution-long');
      setFolded(false);  // measured on one line
      if (!fitsOnOneLine()) {
        L.DomUtil.addClass(container, 'kk-attribution-long');
        setFolded(!userOpened);
      }
    };
    toggle.addTo(map);
    map.on('resize', update);
    update();
  };

  /* A kilometre-only scale bar (folium's control_scale also shows miles), at
     the bottom left: the bottom right belongs to the sources. */
  kk.metricScale = function (map) {
    L.control.scale({imperial: false, position: 'bottomleft'}).addTo(map);
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

  /* The paddings [topLeft, bottomRight] that fit bounds clear of the open panels
     (legend, title card): beside them when that leaves the larger map, otherwise
     below; and above the bottom controls (sources, scale bar). */
  kk.panelPadding = function (map, bounds, avoidPanels) {
    var container = map.getContainer();
    var box = container.getBoundingClientRect();
    var left = 6, right = 6, top = 6, bottom = 6;
    if (avoidPanels) {
      // the legend, the title card and the zoom buttons
      container.querySelectorAll('.leaflet-top .leaflet-control').forEach(function (el) {
        var r = el.getBoundingClientRect();
        if (!r.width) { return; }
        if (r.left + r.width / 2 < box.left + box.width / 2) {
          left = Math.max(left, r.right - box.left + 6);
        } else {
          right = Math.max(right, box.right - r.left + 6);
        }
        top = Math.max(top, r.bottom - box.top + 6);
      });
      container.querySelectorAll('.leaflet-bottom .leaflet-control').forEach(function (el) {
        var r = el.getBoundingClientRect();
        if (r.height) { bottom = Math.max(bottom, box.bottom - r.top + 4); }
      });
    }
    // a padding as large as the map leaves no room: Leaflet would compute NaN
    var size = map.getSize();
    var room = function (x, y) { return size.x - x > 20 && size.y - y > 20; };
    var beside = room(left + right, 6 + bottom) ?
      map.getBoundsZoom(bounds, false, L.point(left + right, 6 + bottom)) : -Infinity;
    var below = room(12, top + bottom) ?
      map.getBoundsZoom(bounds, false, L.point(12, top + bottom)) : -Infinity;
    if (beside !== -Infinity && beside >= below) { return [[left, 6], [right, bottom]]; }
    if (below !== -Infinity) { return [[6, top], [6, bottom]]; }
    return [[0, 0], [0, 0]];
  };

  /* The first view: the Netherlands (or a shared link's bounds) fitted to the
     map, or a shared link's exact centre and zoom. The fit is redone whenever
     the map changes size (the app's frame settles to the window, the window
     is resized) until the user moves the map. With avoidPanels the fit keeps
     clear of the open panels (legend, title card): beside them when that
     leaves the larger map, otherwise below; and above the bottom controls
     (sources, scale bar).
     In the app's frame (kk-frame.js, kk.frame) a map that replaces another one
     (another language or base layer) keeps the view the user had, and a view
     the page asks for (a tour step, "go to") wins over the fit.
     o: {bounds: [[south, west], [north, east]], view: [lat, lon, zoom] | null,
         avoidPanels: bool} */
  kk.fitOnLoad = function (map, o) {
    var frame = kk.frame;
    // Leaflet follows the window's size only; the container may change size on
    // its own (a stylesheet that loads after the map is made, the page's CSS).
    if (window.ResizeObserver) {
      new ResizeObserver(function () { map.invalidateSize(); }).observe(map.getContainer());
    }
    var kept = frame ? frame.follow(map) : null;
    var view = kept || (o.view ? {center: [o.view[0], o.view[1]], zoom: o.view[2]} : null);
    var container = map.getContainer();
    // The first view ends when the user touches the map or its controls (seen in
    // the capture phase: the controls stop their events from bubbling) or when
    // anything else moves it (a view the page sets): from then on they lead.
    var ours = false;
    var userMoved = false;
    map.on('movestart zoomstart', function () { if (!ours) { userMoved = true; } });
    ['pointerdown', 'touchstart', 'wheel', 'keydown'].forEach(function (name) {
      container.addEventListener(name, function () { userMoved = true; },
                                 {capture: true, passive: true});
    });
    var fit = function () {
      var bounds = L.latLngBounds(o.bounds);
      var pads = kk.panelPadding(map, bounds, o.avoidPanels);
      show(bounds, pads[0], pads[1]);
    };
    /* fitBounds with paddings, unless the map shows that view already: redrawing
       the 342 municipalities for nothing costs tens of milliseconds. */
    var show = function (bounds, tl, br) {
      var zoom = map.getBoundsZoom(bounds, false, L.point(tl[0] + br[0], tl[1] + br[1]));
      var shift = L.point(br[0] - tl[0], br[1] - tl[1]).divideBy(2);
      var mid = map.project(bounds.getSouthWest(), zoom)
        .add(map.project(bounds.getNorthEast(), zoom)).divideBy(2).add(shift);
      if (zoom === map.getZoom() && mid.distanceTo(map.project(map.getCenter(), zoom)) < 1) {
        return;
      }
      map.fitBounds(bounds, {paddingTopLeft: tl, paddingBottomRight: br, animate: false});
    };
    // A view (kept or from a link) is set again after each resize too: Leaflet
    // keeps the centre only to the rounded pixel, which would drift.
    var first = function () {
      ours = true;
      try {
        if (view) {
          map.setView(view.center, view.zoom, {animate: false});
        } else {
          fit();
        }
      } finally {
        ours = false;
      }
    };
    // The panels change size too: in the app their stylesheet arrives after the
    // map is made (an unstyled legend is one tall column), the sources fold.
    var panels = window.ResizeObserver && !view ? new ResizeObserver(function () {
      again();
    }) : null;
    // Sizes settle in steps while the page loads (the frame's height, the
    // stylesheets, the sources folding): one fit after each burst of changes.
    var pending = null;
    var again = function () {
      clearTimeout(pending);
      pending = setTimeout(function () {
        if (userMoved) {
          map.off('resize', again);
          if (panels) { panels.disconnect(); }
          return;
        }
        var size = map.getSize();
        if (size.x > 0 && size.y > 0) { first(); }
      }, 40);
    };
    if (view) { first(); }  // at once: the map never shows the default view first
    setTimeout(function () {
      map.invalidateSize();
      again();
      map.on('resize', again);
      if (panels) {
        container.querySelectorAll('.leaflet-control').forEach(function (el) {
          panels.observe(el);
        });
      }
    }, 60);
  };

  /* A click counts where the pointer went down. Pressing on the map can scroll
     the page (the frame takes focus and is scrolled into view), so by the
     click the map has moved under a pointer that stayed put, and Leaflet's
     click position is off by the scroll: 26 px, 14 km at 1440x900. Registered
     before streamlit-folium's own click handler (which runs after the map
     script), this puts the press position into the event object that the
     later handlers, streamlit-folium's "last_clicked" among them, read. The
     screen position tells a still pointer: it does not change with a scroll. */
  /* "Skip the map": the first stop in the map's tab order, hidden until focused; it
     moves focus to the page's panel beside the map (o.target in the parent page).
     Not added outside the app's frame (the HTML export, the map on its own).
     o: {label, target: CSS selector in the parent page} */
  kk.skipLink = function (map, o) {
    var panel = function () {
      try {
        return window.parent !== window
          ? window.parent.document.querySelector(o.target) : null;
      } catch (err) { return null; }  // another origin: nothing to skip to
    };
    try {  // in the app's frame only (the page may draw its panel after the map)
      if (window.parent === window || !window.parent.document) { return; }
    } catch (err) { return; }
    var link = document.createElement('a');
    link.href = '#';
    link.className = 'kk-skip';
    link.textContent = o.label;
    link.addEventListener('click', function (e) {
      e.preventDefault();
      var target = panel();  // the page may have drawn it anew since
      if (!target) { return; }
      if (!target.hasAttribute('tabindex')) { target.setAttribute('tabindex', '-1'); }
      target.focus();
    });
    var container = map.getContainer();
    container.parentNode.insertBefore(link, container);
  };

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
