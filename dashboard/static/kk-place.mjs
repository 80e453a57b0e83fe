/* Krimpkaart: the placement map, an st.components.v2 component (ui/placement.py
   passes this module's text). A small Leaflet map with one pin: where a new or
   edited initiative goes. The pin moves by dragging, by a click on the small
   map, or with the arrow keys once it has focus (Shift: ten pixels at a time);
   each move hands [lat, lon] to Python as the trigger "moved". Python keeps the
   unsaved position and sends it back as data.point, so a rerun never moves the
   pin by itself; a new data.view number (a click on the main map, typed
   coordinates) centres the small map on the point again.
   data: {point: [lat, lon], zoom, view, height, leaflet: {js, css},
          tiles: [url, attribution] | null, outlines: url | null,
          labels: {pin, map}} */

const NUDGE_PX = 1;
const NUDGE_FAST_PX = 10;
const SEND_DELAY_MS = 250;

/* Leaflet once per page, from the shipped file (not from a CDN: the map must
   work on a closed network). The page's own Leaflet-free scope gets window.L. */
function leaflet(src) {
  if (window.L && window.L.map) { return Promise.resolve(window.L); }
  if (!window.kkLeafletLoading) {
    window.kkLeafletLoading = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.onload = () => resolve(window.L);
      script.onerror = () => {
        window.kkLeafletLoading = null;
        reject(new Error('Krimpkaart: could not load ' + src));
      };
      document.head.appendChild(script);
    });
  }
  return window.kkLeafletLoading;
}

function skeleton(parentElement, data) {
  let root = parentElement.querySelector('.kk-place');
  if (root) { return root; }
  const css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = data.leaflet.css;
  parentElement.appendChild(css);
  root = document.createElement('div');
  root.className = 'kk-place';
  const box = document.createElement('div');
  box.className = 'kk-place-map';
  root.appendChild(box);
  parentElement.appendChild(root);
  return root;
}

function samePoint(a, b) {
  return Math.abs(a.lat - b[0]) < 1e-7 && Math.abs(a.lng - b[1]) < 1e-7;
}

function build(L, root, data, send) {
  const box = root.querySelector('.kk-place-map');
  box.setAttribute('aria-label', data.labels.map);
  const map = L.map(box, {center: data.point, zoom: data.zoom, minZoom: 4, maxZoom: 18,
                          zoomSnap: 0.5, attributionControl: true});
  if (data.tiles) {
    L.tileLayer(data.tiles[0], {attribution: data.tiles[1], maxZoom: 19, maxNativeZoom: 19})
      .addTo(map);
  }
  if (data.outlines) {
    fetch(data.outlines).then((r) => (r.ok ? r.json() : null)).then((shapes) => {
      if (shapes) {
        L.geoJSON(shapes, {interactive: false, style: {color: '#555', weight: 1,
                                                       fill: false, opacity: 0.8}}).addTo(map);
      }
    }).catch(() => {});  // outlines are a help, not a need
  }
  const icon = L.divIcon({className: 'kk-place-pin', html: '<span></span>',
                          iconSize: [30, 42], iconAnchor: [15, 42]});
  const pin = L.marker(data.point, {draggable: true, keyboard: true, icon: icon,
                                    title: data.labels.pin, alt: data.labels.pin,
                                    autoPan: true, zIndexOffset: 1000}).addTo(map);
  let timer = null;
  const moved = (now) => {
    clearTimeout(timer);
    const go = () => { const p = pin.getLatLng(); send([p.lat, p.lng]); };
    if (now) { go(); } else { timer = setTimeout(go, SEND_DELAY_MS); }
  };
  pin.on('dragend', () => moved(true));
  map.on('click', (e) => { pin.setLatLng(e.latlng); moved(true); });
  const element = pin.getElement();
  element.setAttribute('role', 'button');
  element.addEventListener('keydown', (e) => {
    const step = e.shiftKey ? NUDGE_FAST_PX : NUDGE_PX;
    const by = {ArrowLeft: [-step, 0], ArrowRight: [step, 0],
                ArrowUp: [0, -step], ArrowDown: [0, step]}[e.key];
    if (!by) { return; }
    e.preventDefault();
    e.stopPropagation();  // not also a pan of the map
    const at = map.latLngToContainerPoint(pin.getLatLng()).add(by);
    pin.setLatLng(map.containerPointToLatLng(at));
    moved(false);
  });
  // The component's box may get its final width after the map was made.
  new ResizeObserver(() => map.invalidateSize()).observe(box);
  return {map, pin, view: data.view};
}

export default function (component) {
  const {data, parentElement, setTriggerValue} = component;
  const root = skeleton(parentElement, data);
  root.style.height = data.height + 'px';
  root.kkSend = setTriggerValue;  // the latest: a rerun may hand a new one
  leaflet(data.leaflet.js).then((L) => {
    if (!root.kk) {
      root.kk = build(L, root, data, (point) => root.kkSend('moved', point));
      return;
    }
    const {map, pin} = root.kk;
    if (!samePoint(pin.getLatLng(), data.point)) { pin.setLatLng(data.point); }
    if (root.kk.view !== data.view) {
      root.kk.view = data.view;
      map.setView(data.point, data.zoom);
    } else if (!map.getBounds().contains(data.point)) {
      map.panTo(data.point);
    }
    map.invalidateSize();
  }, (err) => {
    root.textContent = err.message;
  });
}
