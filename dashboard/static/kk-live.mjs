/* Krimpkaart: live updates, an st.components.v2 component (ui/workshop.live_updates
   passes this module's text). Every ~2 s it asks the server's version route
   (workshop/live.py) for the store's version and asks Streamlit for a rerun only when
   it differs from the version this page was drawn from, so an open tab costs the
   server one tiny HTTP request per poll instead of a script run. It does not poll
   while the tab is hidden (and polls at once when it is shown again), and while the
   route cannot be reached it retries ever more slowly, up to once a minute, with one
   console warning per outage. A new version is asked for after a random wait of up to
   spread_ms, so the pages of a room (30 tabs that all see a facilitator's addition
   within one poll interval) do not all rerun at the same moment, which made every
   filter change in those seconds wait behind them.
   data: {version, path, interval_ms, max_interval_ms, spread_ms} */

/* Ask again only if the rerun we asked for has not come after a minute (a lost request).
   Sooner would hurt: on a busy server a rerun asked for again restarts the one under way. */
const RETRIGGER_MS = 60000;

const pollers = new WeakMap(); // parentElement -> Poller (Streamlit calls us on every rerun)

/* The route below the page's own path: works under server.baseUrlPath and behind a
   proxy that serves the app under a prefix of its own. */
export function versionUrl(location, path) {
  const dir = location.pathname.endsWith('/') ? location.pathname : location.pathname + '/';
  return location.origin + dir + path;
}

/* The wait before the next poll: the interval, doubled per failure up to the maximum,
   with +-10 % jitter so tabs opened together do not poll (and rerun) in step. */
export function nextDelay(interval, maxInterval, failures, random) {
  const base = Math.min(maxInterval, interval * Math.pow(2, failures));
  return Math.round(base * (0.9 + 0.2 * random()));
}

export class Poller {
  constructor(env) {
    this.env = env; // {fetch, document, location, setTimeout, clearTimeout, now, random, warn}
    this.data = null;
    this.trigger = null;
    this.timer = null;
    this.busy = false;
    this.stopped = false;
    this.failures = 0;
    this.asked = null; // the version we last asked a rerun for, and when
    this.askedAt = 0;
    this.pending = null; // the timer of a rerun asked for after the spread wait
    this.lower = null; // a version lower than the page's, seen once
    this.onVisibility = () => this.visibilityChanged();
    env.document.addEventListener('visibilitychange', this.onVisibility);
  }

  /* New data from a rerun: the version the page now shows. */
  update(data, trigger) {
    if (this.pending !== null && this.data && data.version !== this.data.version) {
      // A rerun meanwhile (the user's own change) drew other data: ask afresh next poll.
      this.env.clearTimeout(this.pending);
      this.pending = null;
      this.asked = null;
    }
    this.data = data;
    this.trigger = trigger;
    if (this.timer === null && !this.busy) {
      this.schedule(this.delay());
    }
  }

  delay() {
    return nextDelay(this.data.interval_ms, this.data.max_interval_ms, this.failures,
                     this.env.random);
  }

  schedule(ms) {
    if (this.stopped) { return; }
    this.env.clearTimeout(this.timer);
    this.timer = this.env.setTimeout(() => { this.timer = null; this.poll(); }, ms);
  }

  hidden() {
    return this.env.document.visibilityState === 'hidden';
  }

  async poll() {
    if (this.stopped || this.busy || this.hidden()) { return; } // shown again: visibilityChanged
    this.busy = true;
    try {
      const url = versionUrl(this.env.location, this.data.path);
      const response = await this.env.fetch(url, { cache: 'no-store', credentials: 'same-origin' });
      if (!response.ok) { throw new Error('HTTP ' + response.status); }
      const text = (await response.text()).trim();
      if (!/^-?\d+$/.test(text)) { throw new Error('not a version: ' + text.slice(0, 40)); }
      this.failures = 0;
      this.seen(Number(text));
    } catch (err) {
      if (this.failures === 0) {
        this.env.warn('Krimpkaart: live updates unavailable, retrying slowly', err);
      }
      this.failures += 1;
    } finally {
      this.busy = false;
    }
    if (!this.hidden()) { this.schedule(this.delay()); }
  }

  seen(version) {
    const shown = this.data.version;
    if (version === shown) { this.lower = null; return; }
    // Lower than what the page shows: maybe an answer cached from just before this page's
    // own rerun. Believe it when the next poll says it again (a store put back from a copy).
    if (version < shown && this.lower !== version) { this.lower = version; return; }
    const now = this.env.now();
    if (version === this.asked && now - this.askedAt < RETRIGGER_MS) { return; }
    this.asked = version;
    this.askedAt = now;
    const spread = this.data.spread_ms || 0;
    if (spread <= 0) { this.trigger('changed', version); return; }
    this.env.clearTimeout(this.pending);
    this.pending = this.env.setTimeout(() => {
      this.pending = null;
      if (!this.stopped) { this.trigger('changed', version); }
    }, Math.round(spread * this.env.random()));
  }

  visibilityChanged() {
    if (this.hidden()) {
      this.env.clearTimeout(this.timer);
      this.timer = null;
    } else if (this.timer === null && !this.busy) {
      this.schedule(0);
    }
  }

  stop() {
    this.stopped = true;
    this.env.clearTimeout(this.timer);
    this.env.clearTimeout(this.pending);
    this.timer = null;
    this.pending = null;
    this.env.document.removeEventListener('visibilitychange', this.onVisibility);
  }
}

function browserEnv() {
  return {
    fetch: (url, options) => window.fetch(url, options),
    document: window.document,
    location: window.location,
    setTimeout: (fn, ms) => window.setTimeout(fn, ms),
    clearTimeout: (id) => window.clearTimeout(id),
    now: () => Date.now(),
    random: Math.random,
    warn: (...args) => console.warn(...args),
  };
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let poller = pollers.get(parentElement);
  if (!poller) {
    poller = new Poller(browserEnv());
    pollers.set(parentElement, poller);
  }
  poller.update(data, setTriggerValue);
  return () => {
    poller.stop();
    pollers.delete(parentElement);
  };
}
