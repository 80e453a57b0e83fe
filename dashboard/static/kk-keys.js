/* Krimpkaart: keyboard keys for presentations and tours (ui/workshop.py inlines
   this file in a tiny srcdoc iframe). Streamlit has no key events, so this
   listens on the page (and on the map's frame for PageUp/PageDown, so the
   arrows still pan the map there) and clicks the matching Streamlit button.
   Data (JSON island #kk-data): {next, prev, leave}: the buttons' widget keys. */
(function () {
  'use strict';
  const keys = JSON.parse(document.getElementById('kk-data').textContent);
  const doc = window.parent.document;
  const click = (key) => {
    const b = doc.querySelector('.st-key-' + key + ' button');
    if (b) { b.click(); return true; } return false;
  };
  const onKey = (e, inMap) => {
    const tag = (e.target && e.target.tagName) || '';
    if (['INPUT', 'TEXTAREA', 'SELECT'].includes(tag) || e.target.isContentEditable) return;
    let done = false;
    const next = e.key === 'PageDown' || (!inMap && e.key === 'ArrowRight');
    const prev = e.key === 'PageUp' || (!inMap && e.key === 'ArrowLeft');
    if (next) done = click(keys.next);
    else if (prev) done = click(keys.prev);
    else if (e.key === 'Escape') done = click(keys.leave);
    if (done) e.preventDefault();
  };
  if (!doc.krimpkaartKeys) {
    doc.krimpkaartKeys = true;
    doc.addEventListener('keydown', (e) => onKey(e, false));
  }
  const hookMaps = () => doc.querySelectorAll('iframe').forEach((f) => {
    try {
      const d = f.contentDocument;
      if (d && !d.krimpkaartKeys) {
        d.krimpkaartKeys = true;
        d.addEventListener('keydown', (e) => onKey(e, true));
      }
    } catch (err) { /* another origin: leave it */ }
  });
  hookMaps();
  setInterval(hookMaps, 2000);
})();
