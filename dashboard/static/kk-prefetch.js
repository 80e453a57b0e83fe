/* Krimpkaart: start fetching the map's shipped layers while Leaflet still loads.
   Loaded as the first map script; the layer code takes the promise from
   window.kkLayer(url) instead of fetching again. Without a served URL (inlined
   or data: scripts) the layers are embedded in the page and nothing is fetched. */
(function () {
  var cache = {};
  window.kkLayer = function (url) {
    // One key per file: the layer code passes a path, the prefetch a full URL.
    var key = new URL(url, document.baseURI).href;
    if (!cache[key]) {
      cache[key] = fetch(key).then(function (r) {
        if (!r.ok) { throw new Error(url + ': HTTP ' + r.status); }
        return r.json();
      });
    }
    return cache[key];
  };
  var src = document.currentScript && document.currentScript.src;
  if (!src || !/^https?:/.test(src)) { return; }
  var base = src.slice(0, src.lastIndexOf('/') + 1);
  ['layers/gemeenten.json', 'layers/provincies.json', 'layers/regios.json'].forEach(
    function (rel) { window.kkLayer(base + rel); });
})();
