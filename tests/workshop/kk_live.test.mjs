// The live-update poller (dashboard/static/kk-live.mjs) with a fake clock, fetch and
// document: run by tests/workshop/test_live_js.py through `node`. Prints "ok <name>" per
// passing check and exits non-zero on the first failure.
import assert from 'node:assert/strict';

// KK_LIVE_MODULE: another copy of the module (test_live_js.py checks that broken copies fail).
const MODULE = process.env.KK_LIVE_MODULE
  ? new URL('file://' + process.env.KK_LIVE_MODULE).href
  : new URL('../../dashboard/static/kk-live.mjs', import.meta.url).href;
const { Poller, nextDelay, versionUrl } = await import(MODULE);

class FakeEnv {
  constructor() {
    this.time = 0;
    this.timers = new Map();
    this.nextId = 1;
    this.requests = [];
    this.answer = () => ({ ok: true, status: 200, text: async () => '5' });
    this.warnings = [];
    this.listeners = [];
    const env = this;
    this.document = {
      visibilityState: 'visible',
      addEventListener: (name, fn) => env.listeners.push(fn),
      removeEventListener: (name, fn) => { env.listeners = env.listeners.filter((f) => f !== fn); },
    };
    this.location = { origin: 'http://host', pathname: '/kaart/' };
  }
  fetch(url) {
    this.requests.push({ url, at: this.time });
    const answer = this.answer();
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  }
  setTimeout(fn, ms) { const id = this.nextId++; this.timers.set(id, { fn, at: this.time + ms }); return id; }
  clearTimeout(id) { this.timers.delete(id); }
  now() { return this.time; }
  random() { return 0.5; } // no jitter
  warn(...args) { this.warnings.push(args); }
  env() {
    return { fetch: (u, o) => this.fetch(u, o), document: this.document, location: this.location,
      setTimeout: (f, m) => this.setTimeout(f, m), clearTimeout: (i) => this.clearTimeout(i),
      now: () => this.now(), random: () => this.random(), warn: (...a) => this.warn(...a) };
  }
  // Run the clock forward to `until` ms, firing timers (and letting their promises settle).
  async advance(ms) {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= until)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) { break; }
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
      for (let i = 0; i < 10; i++) { await Promise.resolve(); }
    }
    this.time = until;
  }
  setVisibility(state) {
    this.document.visibilityState = state;
    this.listeners.forEach((fn) => fn());
  }
}

const DATA = { version: 5, path: '_kk/version', interval_ms: 2500, max_interval_ms: 60000 };

function start(fake, data = DATA) {
  const triggers = [];
  const poller = new Poller(fake.env());
  poller.update(data, (name, value) => triggers.push([name, value]));
  return { poller, triggers };
}

const checks = {
  'url below the page path'() {
    assert.equal(versionUrl({ origin: 'http://h', pathname: '/' }, '_kk/version'),
                 'http://h/_kk/version');
    assert.equal(versionUrl({ origin: 'http://h', pathname: '/kaart' }, '_kk/version'),
                 'http://h/kaart/_kk/version');
    assert.equal(versionUrl({ origin: 'http://h', pathname: '/kaart/' }, '_kk/version'),
                 'http://h/kaart/_kk/version');
  },
  'delay doubles per failure up to the maximum, with jitter'() {
    assert.equal(nextDelay(2500, 60000, 0, () => 0.5), 2500);
    assert.equal(nextDelay(2500, 60000, 2, () => 0.5), 10000);
    assert.equal(nextDelay(2500, 60000, 10, () => 0.5), 60000);
    assert.equal(nextDelay(2500, 60000, 0, () => 0), 2250);
    assert.equal(nextDelay(2500, 60000, 0, () => 1), 2750);
  },
  async 'same version: polls every interval, never asks for a rerun'() {
    const fake = new FakeEnv();
    const { triggers } = start(fake);
    await fake.advance(10100);
    assert.deepEqual(fake.requests.map((r) => r.at), [2500, 5000, 7500, 10000]);
    assert.equal(fake.requests[0].url, 'http://host/kaart/_kk/version');
    assert.deepEqual(triggers, []);
  },
  async 'a new version asks for one rerun; the rerun brings the page up to date'() {
    const fake = new FakeEnv();
    const { poller, triggers } = start(fake);
    fake.answer = () => ({ ok: true, status: 200, text: async () => '6\n' });
    await fake.advance(2600);
    assert.deepEqual(triggers, [['changed', 6]]);
    await fake.advance(2500); // the rerun has not arrived yet: do not ask again at once
    assert.deepEqual(triggers, [['changed', 6]]);
    poller.update({ ...DATA, version: 6 }, poller.trigger); // the rerun drew version 6
    await fake.advance(10000);
    assert.deepEqual(triggers, [['changed', 6]]);
  },
  async 'a rerun that never came is asked for again after a minute, not sooner'() {
    const fake = new FakeEnv();
    const { triggers } = start(fake);
    fake.answer = () => ({ ok: true, status: 200, text: async () => '6' });
    await fake.advance(60000); // a slow rerun under way must not be restarted
    assert.deepEqual(triggers, [['changed', 6]]);
    await fake.advance(3000);
    assert.deepEqual(triggers, [['changed', 6], ['changed', 6]]);
  },
  async 'a lower version counts only when it is seen twice'() {
    const fake = new FakeEnv();
    const { triggers } = start(fake);
    fake.answer = () => ({ ok: true, status: 200, text: async () => '4' });
    await fake.advance(2600);
    assert.deepEqual(triggers, []); // perhaps cached from before this page's own rerun
    await fake.advance(2500);
    assert.deepEqual(triggers, [['changed', 4]]); // a store put back from a copy
  },
  async 'unreachable route: slow retries, one warning, no rerun'() {
    const fake = new FakeEnv();
    const { triggers } = start(fake);
    fake.answer = () => new TypeError('Failed to fetch');
    await fake.advance(140000);
    // at 2.5 s, then after 5, 10, 20, 40, 60 s: 6 requests in 140 s instead of 56
    assert.deepEqual(fake.requests.map((r) => r.at), [2500, 7500, 17500, 37500, 77500, 137500]);
    assert.equal(fake.warnings.length, 1);
    assert.deepEqual(triggers, []);
  },
  async 'an error answer or garbage counts as a failure, a good answer resets the backoff'() {
    const fake = new FakeEnv();
    const { triggers } = start(fake);
    const answers = [{ ok: false, status: 503, text: async () => '' },
                     { ok: true, status: 200, text: async () => '<html>' }];
    fake.answer = () => answers.shift() || { ok: true, status: 200, text: async () => '5' };
    await fake.advance(2500 + 5000 + 10000 + 2500 + 100);
    assert.deepEqual(fake.requests.map((r) => r.at), [2500, 7500, 17500, 20000]);
    assert.deepEqual(triggers, []);
  },
  async 'no polls while the tab is hidden; one at once when it is shown again'() {
    const fake = new FakeEnv();
    const { triggers } = start(fake);
    await fake.advance(2600);
    assert.equal(fake.requests.length, 1);
    fake.setVisibility('hidden');
    await fake.advance(60000);
    assert.equal(fake.requests.length, 1);
    fake.answer = () => ({ ok: true, status: 200, text: async () => '9' });
    fake.setVisibility('visible');
    await fake.advance(10);
    assert.equal(fake.requests.length, 2);
    assert.deepEqual(triggers, [['changed', 9]]);
  },
  async 'reruns more often than the interval do not postpone the poll'() {
    const fake = new FakeEnv();
    const { poller } = start(fake);
    for (let i = 0; i < 10; i++) { // a user changing filters every second
      await fake.advance(1000);
      poller.update({ ...DATA }, poller.trigger);
    }
    assert.deepEqual(fake.requests.map((r) => r.at), [2500, 5000, 7500, 10000]);
    assert.equal(fake.timers.size, 1);
  },
  async 'with a spread, the rerun is asked for after a random wait within it'() {
    const fake = new FakeEnv(); // random() is 0.5: half the spread
    const { triggers } = start(fake, { ...DATA, spread_ms: 1500 });
    fake.answer = () => ({ ok: true, status: 200, text: async () => '6' });
    await fake.advance(2500 + 700);
    assert.deepEqual(triggers, []);
    await fake.advance(100);
    assert.deepEqual(triggers, [['changed', 6]]);
  },
  async 'a rerun during the wait that shows the version cancels the ask'() {
    const fake = new FakeEnv();
    const { poller, triggers } = start(fake, { ...DATA, spread_ms: 1500 });
    fake.answer = () => ({ ok: true, status: 200, text: async () => '6' });
    await fake.advance(2500 + 100);
    poller.update({ ...DATA, spread_ms: 1500, version: 6 }, poller.trigger); // user's own change
    await fake.advance(5000);
    assert.deepEqual(triggers, []);
  },
  async 'with a spread, a lower version seen twice still asks for a rerun'() {
    const fake = new FakeEnv();
    const { triggers } = start(fake, { ...DATA, spread_ms: 1000 });
    fake.answer = () => ({ ok: true, status: 200, text: async () => '3' });
    await fake.advance(2500 + 2500 + 600);
    assert.deepEqual(triggers, [['changed', 3]]); // a store put back from a copy
  },
  async 'a rerun during the wait to other data lets the next poll ask again'() {
    const fake = new FakeEnv();
    const { poller, triggers } = start(fake, { ...DATA, spread_ms: 1000 });
    fake.answer = () => ({ ok: true, status: 200, text: async () => '7' });
    await fake.advance(2500 + 100);
    poller.update({ ...DATA, spread_ms: 1000, version: 6 }, poller.trigger); // drawn at 6
    await fake.advance(2500 + 600);
    assert.deepEqual(triggers, [['changed', 7]]);
  },
  async 'stop during the wait asks for nothing'() {
    const fake = new FakeEnv();
    const { poller, triggers } = start(fake, { ...DATA, spread_ms: 1500 });
    fake.answer = () => ({ ok: true, status: 200, text: async () => '6' });
    await fake.advance(2500 + 100);
    poller.stop();
    await fake.advance(5000);
    assert.deepEqual(triggers, []);
  },
  async 'stop ends the polling and forgets the page'() {
    const fake = new FakeEnv();
    const { poller } = start(fake);
    poller.stop();
    await fake.advance(20000);
    assert.equal(fake.requests.length, 0);
    assert.equal(fake.listeners.length, 0);
  },
};

for (const [name, check] of Object.entries(checks)) {
  await check();
  console.log('ok ' + name);
}
