/* Krimpkaart: "Link to this map view", an st.components.v2 component
   (ui/share.py passes this module's text). Panning must not rerun the script,
   so the page never listens to the map's view: this reads the map's exact
   centre and zoom when the button is pressed, writes them into the page's
   link as centrum=lat,lon&zoom=N (dropping an older bbox=), copies the link to
   the clipboard and says so. The link also stands in a text field to copy by
   hand (no clipboard over plain http, or the browser refused). Python gets the
   view too, so the address bar shows the same link.
   data: {label, copied, manual, field, close} (texts in the page's language) */
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let box = parentElement.querySelector('.kk-share');
  if (!box) {
    box = document.createElement('div');
    box.className = 'kk-share';
    box.innerHTML = '<button type="button" class="kk-share-button"></button>'
      + '<div class="kk-share-note" hidden>'
      + '<p class="kk-share-status" role="status"></p>'
      + '<input class="kk-share-link" type="text" readonly>'
      + '<button type="button" class="kk-share-close">\u2715</button></div>';
    parentElement.appendChild(box);
  }
  const button = box.querySelector('.kk-share-button');
  const note = box.querySelector('.kk-share-note');
  const status = box.querySelector('.kk-share-status');
  const field = box.querySelector('.kk-share-link');
  const close = box.querySelector('.kk-share-close');
  button.textContent = data.label;
  field.setAttribute('aria-label', data.field);
  close.setAttribute('aria-label', data.close);
  close.title = data.close;

  const theMap = () => {
    const frames = document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]');
    const frame = frames[frames.length - 1];
    return frame && frame.contentWindow && frame.contentWindow.map;
  };
  /* The page's link with the view's keys replaced; every other part verbatim. */
  const linkFor = (lat, lon, zoom) => {
    const here = window.location;
    const kept = here.search.replace(/^\?/, '').split('&').filter((part) => {
      const key = decodeURIComponent(part.split('=')[0]);
      return part && !['centrum', 'zoom', 'bbox'].includes(key);
    });
    kept.push('centrum=' + lat.toFixed(5) + ',' + lon.toFixed(5), 'zoom=' + String(zoom));
    return here.origin + here.pathname + '?' + kept.join('&');
  };
  const copy = async (text) => {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        return true;
      }
    } catch (err) { /* refused: fall back to the selected field */ }
    field.focus();
    field.select();
    try { return document.execCommand('copy'); } catch (err) { return false; }
  };
  /* The click reruns the page, which may draw this component anew (when what
     stands above it changes, e.g. a link notice goes away): the note is kept on
     the page for a moment and shown again, so the confirmation is not lost. */
  const show = (link, copied) => {
    field.value = link;
    note.hidden = false;
    status.textContent = copied ? data.copied : data.manual;
    note.classList.toggle('kk-share-failed', !copied);
  };
  const kept = window.kkShareNote;
  if (kept && Date.now() - kept.at < 30000 && note.hidden) { show(kept.link, kept.copied); }
  const hide = () => {
    note.hidden = true;
    window.kkShareNote = null;
    button.focus();
  };

  button.onclick = async () => {
    const map = theMap();
    if (!map) { return; }
    const c = map.getCenter();
    const zoom = map.getZoom();
    const link = linkFor(c.lat, c.lng, zoom);
    field.value = link;
    note.hidden = false;
    const copied = await copy(link);
    show(link, copied);
    window.kkShareNote = {link: link, copied: copied, at: Date.now()};
    field.focus();
    field.select();
    setTriggerValue('view', [c.lat, c.lng, zoom]);
  };
  close.onclick = hide;
  note.onkeydown = (e) => { if (e.key === 'Escape') { hide(); } };
}
