/* Krimpkaart: the start-year timeline, an st.components.v2 component
   (ui/timeline.py passes this module's text). Play, pause, step and a slider;
   every change goes to Python as the trigger 'step' = {year, playing}, Python
   filters the map to that year and renders this again with the new data.
   Playing paces itself on those renders: the next year is asked for only after
   the page showed the year before, so a slow server never gets a queue of years.
   With data.keys (presentation mode) the keys T (play/pause) and , . (a year
   back/on) work on the page and in the map's frame; the tour keeps the arrows.
   data: {years: [first, last] | [], year: N | null, playing, keys, large,
          interval: ms, labels: {open, openHelp, play, pause, prev, next, close,
          slider, keys}} */

// Icons as SVG (the page font has no media-control glyphs); currentColor follows the button.
const SVG = (body) => '<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" '
  + 'fill="currentColor">' + body + '</svg>';
const ICON = {
  prev: SVG('<rect x="2" y="3" width="2" height="10"/><path d="M14 3v10L5 8z"/>'),
  next: SVG('<rect x="12" y="3" width="2" height="10"/><path d="M2 3v10l9-5z"/>'),
  play: SVG('<path d="M4 2.5v11l10-5.5z"/>'),
  pause: SVG('<rect x="3" y="2.5" width="3.5" height="11"/><rect x="9.5" y="2.5" width="3.5" '
    + 'height="11"/>'),
  close: SVG('<path d="M3.5 2.1 8 6.6l4.5-4.5 1.4 1.4L9.4 8l4.5 4.5-1.4 1.4L8 9.4l-4.5 4.5-1.4-'
    + '1.4L6.6 8 2.1 3.5z"/>'),
};

function build(parentElement) {
  const root = document.createElement('div');
  root.className = 'kk-tl';
  root.innerHTML = [
    '<button type="button" class="kk-tl-open"></button>',
    '<div class="kk-tl-bar" role="group">',
    '<button type="button" class="kk-tl-prev">' + ICON.prev + '</button>',
    '<button type="button" class="kk-tl-play"></button>',
    '<button type="button" class="kk-tl-next">' + ICON.next + '</button>',
    '<input type="range" class="kk-tl-range" step="1">',
    '<output class="kk-tl-year" aria-live="polite"></output>',
    '<button type="button" class="kk-tl-close">' + ICON.close + '</button>',
    '<span class="kk-tl-keys"></span>',
    '</div>',
  ].join('');
  parentElement.appendChild(root);
  return root;
}

function label(el, text) {
  el.setAttribute('aria-label', text);
  el.title = text;
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector('.kk-tl') || build(parentElement);
  const st = root.kk || (root.kk = { timer: null, scheduled: null, onKey: null, docs: [],
                                   pending: null, pendingAt: 0 });
  st.data = data;
  // The page has caught up with what was sent once it renders that year; a render for
  // another reason (another component's rerun, a live update) keeps the key presses
  // adding up, unless what was sent is long gone (a rerun that never came).
  if (st.pending === data.year || Date.now() - (st.pendingAt || 0) > 5000) st.pending = null;
  const [first, last] = data.years.length ? data.years : [null, null];
  const active = data.year !== null && data.year !== undefined && first !== null;
  const L = data.labels;

  const send = (year, playing) => {
    st.pending = year;
    st.pendingAt = Date.now();
    clearTimeout(st.timer);
    st.timer = null;
    st.scheduled = null;
    setTriggerValue('step', { year, playing });
  };
  st.play = () => {
    const d = st.data;
    const [f, l] = d.years.length ? d.years : [null, null];
    if (f === null) return;
    const on = d.year !== null && d.year !== undefined;
    if (on && d.playing) { send(d.year, false); return; }
    // play from the start when at the end (or closed), else from the next year
    const start = !on || d.year >= l ? f : d.year + 1;
    send(start, true);
  };
  st.step = (delta) => {
    const d = st.data;
    if (!d.years.length) return;
    const [f, l] = d.years;
    // keys pressed faster than the page reruns add up: step from the year last sent
    const from = st.pending !== null && st.pending !== undefined ? st.pending : d.year;
    const on = from !== null && from !== undefined;
    const year = on ? Math.min(l, Math.max(f, from + delta)) : (delta > 0 ? f : l);
    send(year, false);
  };

  root.classList.toggle('kk-tl--large', !!data.large);
  root.classList.toggle('kk-tl--active', active);
  const open = root.querySelector('.kk-tl-open');
  open.innerHTML = ICON.play;
  open.append(' ' + L.open);  // text node: the label is never parsed as HTML
  open.title = L.openHelp;
  open.disabled = first === null;
  open.onclick = () => send(first, false);

  const play = root.querySelector('.kk-tl-play');
  play.innerHTML = data.playing ? ICON.pause : ICON.play;
  label(play, data.playing ? L.pause : L.play);
  play.setAttribute('aria-pressed', data.playing ? 'true' : 'false');
  play.onclick = st.play;
  const prev = root.querySelector('.kk-tl-prev');
  label(prev, L.prev);
  prev.disabled = !active || data.year <= first;
  prev.onclick = () => st.step(-1);
  const next = root.querySelector('.kk-tl-next');
  label(next, L.next);
  next.disabled = !active || data.year >= last;
  next.onclick = () => st.step(1);
  const close = root.querySelector('.kk-tl-close');
  label(close, L.close);
  close.onclick = () => send(null, false);

  const range = root.querySelector('.kk-tl-range');
  range.setAttribute('aria-label', L.slider);
  if (first !== null) {
    range.min = String(first);
    range.max = String(last);
    if (active && document.activeElement !== range) range.value = String(data.year);
  }
  range.oninput = () => { root.querySelector('.kk-tl-year').textContent = range.value; };
  range.onchange = () => send(Number(range.value), false);
  root.querySelector('.kk-tl-year').textContent = active ? String(data.year) : '';
  root.querySelector('.kk-tl-keys').textContent = data.keys ? L.keys : '';

  // Playing: ask for the next year once this one is on screen (one timer at a time).
  if (active && data.playing && data.year < last) {
    if (st.scheduled !== data.year) {
      clearTimeout(st.timer);
      st.scheduled = data.year;
      const year = data.year + 1;
      st.timer = setTimeout(() => send(year, true), data.interval);
    }
  } else {
    clearTimeout(st.timer);
    st.timer = null;
    st.scheduled = null;
  }

  hookKeys(st, !!data.keys);
  return () => {
    clearTimeout(st.timer);
    hookKeys(st, false);
  };
}

/* T , . on the page and in the map's frame (same origin), while data.keys. */
function hookKeys(st, on) {
  if (!on) {
    st.docs.forEach((d) => d.removeEventListener('keydown', st.onKey));
    st.docs = [];
    return;
  }
  if (!st.onKey) {
    st.onKey = (e) => {
      const tag = (e.target && e.target.tagName) || '';
      if (['INPUT', 'TEXTAREA', 'SELECT'].includes(tag) || e.target.isContentEditable) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 't' || e.key === 'T') st.play();
      else if (e.key === ',') st.step(-1);
      else if (e.key === '.') st.step(1);
      else return;
      e.preventDefault();
    };
  }
  const docs = [document];
  document.querySelectorAll('iframe').forEach((f) => {
    try { if (f.contentDocument) docs.push(f.contentDocument); } catch (err) { /* other origin */ }
  });
  docs.forEach((d) => {
    if (!st.docs.includes(d)) {
      d.addEventListener('keydown', st.onKey);
      st.docs.push(d);
    }
  });
}
