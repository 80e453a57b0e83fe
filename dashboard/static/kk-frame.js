/* Krimpkaart: the app's map frame (app only; exported maps do not load this).

   1. The frame fills the window. The page's stylesheet (kk-page.css) makes the
      map's iframe as tall as the window below the frame's top, and the side
      panel as tall as the window below its own top. Where those tops are
      depends on what stands above them (title, a link notice, the story card),
      so this script measures them into --kk-map-top and --kk-panel-top on the
      page's root element, again whenever the page's content or the window
      changes size. The CSS does the sizing.
   2. The view survives a new frame. Another language or base layer makes a new
      map frame in the same page; kk.frame.follow(map) remembers the map's view
      on the page and gives a new map the view the previous one had (kk.fitOnLoad
      in kk-map.js uses it instead of the first fit). A reload starts afresh. */
(function () {
  'use strict';
  var kk = window.kk = window.kk || {};
  var frame = window.frameElement;
  if (!frame || !frame.ownerDocument) { return; }
  // The map is made before kk-frame.css arrives: fill the frame from the start,
  // or the map would be made at streamlit-folium's fixed height and jump.
  var mapDiv = document.getElementById('map_div');
  if (mapDiv) { mapDiv.style.setProperty('height', '100vh', 'important'); }
  var doc = frame.ownerDocument;
  var win = doc.defaultView;
  var root = doc.documentElement;
  // Streamlit scrolls its main area, not the window.
  var scroller = frame.closest('[data-testid="stMain"]');
  var content = doc.querySelector('[data-testid="stMainBlockContainer"]') || doc.body;

  /* The element's top, in px from the top of the window, with the page
     scrolled to its start. */
  var topOf = function (el) {
    var scrolled = (scroller ? scroller.scrollTop : 0) + win.scrollY;
    return Math.round(el.getBoundingClientRect().top + scrolled);
  };
  var set = function (name, px) {
    var value = px + 'px';
    if (root.style.getPropertyValue(name) !== value) { root.style.setProperty(name, value); }
  };
  var measure = function () {
    // a hidden tab or a replaced frame has no box to measure
    if (!frame.isConnected || !frame.getClientRects().length) { return; }
    set('--kk-map-top', topOf(frame));
    var panel = doc.querySelector('.st-key-side_panel');
    if (panel && panel.getClientRects().length) { set('--kk-panel-top', topOf(panel)); }
  };

  var observer = new win.ResizeObserver(measure);
  observer.observe(content);
  win.addEventListener('resize', measure);
  measure();
  window.addEventListener('pagehide', function () {
    observer.disconnect();
    win.removeEventListener('resize', measure);
  });

  kk.frame = {
    /* What the page remembers for its maps (kk.focus: the last fitted key);
       kept on the page, so a new map frame knows it. */
    memory: win.kkMemory = win.kkMemory || {},
    /* Remember this map's view on the page from now on; return the view the
       map this one replaces had ({center, zoom}), or null on a fresh page. */
    follow: function (map) {
      var kept = win.kkMapView || null;
      map.on('moveend', function () {
        if (frame.isConnected && map.getSize().y > 0) {
          var c = map.getCenter();  // plain numbers: nothing of this frame outlives it
          win.kkMapView = {center: [c.lat, c.lng], zoom: map.getZoom()};
        }
      });
      return kept;
    }
  };
})();
