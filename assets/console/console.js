// The recording console: signs in with ADMIN_PASSWORD, lists what Sync tracks every 2 s, and drives
// the console Functions. Every text from the server goes into the page as text (textContent), never as HTML.
'use strict';

const POLL_MS = 2000;
/** After a change, the evidence log may land a moment after the document: look again for this long. */
const EVIDENCE_SETTLE_MS = 4000;
const SVG = 'http://www.w3.org/2000/svg';
const $ = (id) => document.getElementById(id);

let token = sessionStorage.getItem('console-token');
let pollTimer;
/** sid → { el, call, evidence, fetchTimelineUntil } */
const rows = new Map();

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** POSTs JSON to a console Function; the token travels in the body, never in a URL. */
async function api(path, params = {}, as = 'json') {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...params, Token: token }),
  });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    const error = new ApiError(
      res.status,
      body.error?.code ?? 'HTTP_' + res.status,
      body.error?.message ?? res.statusText,
    );
    if (res.status === 401 && path !== '/console/login') signOut('Your session has ended: sign in again.');
    throw error;
  }
  return as === 'json' ? res.json() : res.text();
}

function showSignIn(message = '') {
  $('sign-in').hidden = false;
  $('calls-section').hidden = true;
  $('session').hidden = true;
  $('sign-in-error').textContent = message;
  $('password').focus();
}

function signOut(message) {
  token = null;
  sessionStorage.removeItem('console-token');
  clearTimeout(pollTimer);
  rows.clear();
  $('calls').replaceChildren();
  showSignIn(message);
}

$('sign-in').addEventListener('submit', async (event) => {
  event.preventDefault();
  const button = event.target.querySelector('button');
  button.disabled = true;
  $('sign-in-error').textContent = '';
  try {
    const res = await fetch('/console/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      // A Flex token names the supervisor in the evidence; the password signs in as console:admin.
      body: JSON.stringify(
        $('flex-token').value ? { Token: $('flex-token').value } : { Password: $('password').value },
      ),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.error?.message ?? res.statusText);
    token = body.token;
    sessionStorage.setItem('console-token', token);
    $('password').value = '';
    $('flex-token').value = '';
    start();
  } catch (err) {
    $('sign-in-error').textContent = `Sign-in refused: ${err.message}`;
  } finally {
    button.disabled = false;
  }
});
$('sign-out').addEventListener('click', () => {
  // Ends the token on the server too, so a copy of it is refused everywhere from now on.
  if (token) api('/console/logout', {}).catch(() => undefined);
  signOut('');
});
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && token) poll();
});

function start() {
  $('sign-in').hidden = true;
  $('calls-section').hidden = false;
  $('session').hidden = false;
  poll();
}

let polling = false;
async function poll() {
  // A hidden tab reads nothing; it catches up when shown (see visibilitychange).
  if (polling || document.hidden) return;
  polling = true;
  clearTimeout(pollTimer);
  try {
    const { calls } = await api('/console/calls');
    render(calls);
    $('refreshed').textContent = `Updated ${new Date().toLocaleTimeString()}`;
  } catch (err) {
    if (err.status === 401 || err.status === 403) {
      if (err.status === 403) $('refreshed').textContent = err.message;
      return;
    }
    $('refreshed').textContent = `Could not refresh: ${err.message}`;
  } finally {
    polling = false;
  }
  if (token) pollTimer = setTimeout(poll, POLL_MS);
}

/** Updates only the rows whose document changed, and moves rows only when the order changed. */
function render(calls) {
  const list = $('calls');
  const seen = new Set();
  calls.forEach((call) => {
    seen.add(call.sid);
    let row = rows.get(call.sid);
    if (!row) {
      row = createRow(call.sid);
      rows.set(call.sid, row);
    }
    if (row.call?.revision !== call.revision) {
      row.call = call;
      updateRow(row);
      row.fetchTimelineUntil = Date.now() + EVIDENCE_SETTLE_MS;
    }
    if (row.details.open) refreshTimeline(row);
  });
  for (const [sid, row] of rows) {
    if (!seen.has(sid)) {
      row.el.remove();
      rows.delete(sid);
    }
  }
  const ordered = calls.map((c) => rows.get(c.sid).el);
  if (ordered.some((el, i) => list.children[i] !== el)) list.append(...ordered);
  $('calls-empty').hidden = calls.length > 0;
}

function createRow(sid) {
  const el = $('call-template').content.firstElementChild.cloneNode(true);
  el.dataset.sid = sid;
  const row = { el, sid, details: el.querySelector('details'), evidence: null, fetchTimelineUntil: 0 };
  el.querySelectorAll('[data-action]').forEach((button) => {
    button.setAttribute('aria-label', `${button.textContent} ${sid}`);
    button.addEventListener('click', () => control(row, button));
  });
  el.querySelectorAll('[data-export]').forEach((button) =>
    button.addEventListener('click', () => exportEvidence(row, button.dataset.export)),
  );
  el.querySelector('.window-check').addEventListener('submit', (event) => checkWindow(row, event));
  row.details.addEventListener('toggle', () => {
    if (row.details.open) {
      row.fetchTimelineUntil = Date.now() + EVIDENCE_SETTLE_MS;
      refreshTimeline(row);
    }
  });
  return row;
}

const STATE_TEXT = { recording: 'Recording', paused: 'Paused', 'not-recording': 'Not recording' };

function updateRow(row) {
  const { el, call } = row;
  const state = el.querySelector('.state');
  state.dataset.state = call.state;
  state.textContent = STATE_TEXT[call.state] ?? call.state;
  el.dataset.state = call.state;
  el.querySelector('.kind').textContent = call.kind === 'conference' ? 'Conference' : 'Call';
  el.querySelector('.sid').textContent = call.sid;
  el.querySelector('.recordings').textContent = call.recordings
    .map((r) => `${r.recordingSid} ${r.status}${r.pauseBehavior ? ` (${r.pauseBehavior})` : ''}`)
    .join(', ');
  const last = call.lastChange;
  el.querySelector('.last-change').textContent = last
    ? `Last: ${last.action} by ${last.by} at ${new Date(last.at).toLocaleTimeString()}`
    : '';
  const isCall = call.kind === 'call';
  const enabled = {
    pause: call.state === 'recording',
    resume: call.state === 'paused',
    stop: isCall && call.live,
    start: isCall && !call.live,
  };
  el.querySelectorAll('[data-action]').forEach((button) => {
    button.disabled = !enabled[button.dataset.action];
  });
}

const target = (row) => (row.sid.startsWith('CF') ? { ConferenceSid: row.sid } : { CallSid: row.sid });

async function control(row, button) {
  const result = row.el.querySelector('.result');
  const action = button.dataset.action;
  result.classList.remove('failed');
  result.textContent = `${button.textContent}…`;
  row.el.querySelectorAll('[data-action]').forEach((b) => (b.disabled = true));
  try {
    const params = {
      ...target(row),
      Action: action,
      ...(button.dataset.behavior ? { PauseBehavior: button.dataset.behavior } : {}),
    };
    let answer;
    try {
      answer = await api('/console/control', params);
    } catch (err) {
      // A flow's pause (e.g. while a card number is read) is lifted only with a reason, kept in the evidence.
      if (err.code !== 'REASON_REQUIRED') throw err;
      const reason = window.prompt(`${err.message}\n\nReason:`);
      if (!reason) throw err;
      answer = await api('/console/control', { ...params, Reason: reason });
    }
    result.textContent = `${button.textContent}: done, ${answer.recordingSid} is ${answer.status}${answer.evidenceLogged === false ? ' (warning: not written to the evidence log)' : ''}`;
    row.fetchTimelineUntil = Date.now() + EVIDENCE_SETTLE_MS;
  } catch (err) {
    result.classList.add('failed');
    result.textContent = `${button.textContent} failed: ${err.code}: ${err.message}`;
  }
  if (row.call) updateRow(row);
  poll();
}

async function refreshTimeline(row) {
  if (row.loading) return;
  if (row.evidence && Date.now() > row.fetchTimelineUntil) {
    drawTimeline(row);
    return;
  }
  row.loading = true;
  try {
    row.evidence = await api('/console/evidence', target(row));
    drawTimeline(row);
  } catch (err) {
    row.el.querySelector('.timeline').textContent = `Could not load the evidence: ${err.message}`;
  } finally {
    row.loading = false;
  }
}

const svg = (name, attrs, text) => {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
};
const clock = (iso) => new Date(iso).toISOString().slice(11, 19);
const describe = (s) =>
  `${s.state === 'paused' ? `paused${s.pauseBehavior ? ` (${s.pauseBehavior})` : ''}` : s.state} from ${clock(s.from)} UTC by ${s.by}${s.source === 'callback' ? ' (Twilio callback)' : ''}${s.unproven ? ', unproven: Twilio may have recorded part of it' : ''}`;

/** Each recording on its own lane: recorded, paused and stopped stretches over wall-clock time, with who asked. */
function drawTimeline(row) {
  const segments = row.evidence?.segments ?? [];
  const box = row.el.querySelector('.timeline');
  const changes = row.el.querySelector('.changes');
  if (segments.length === 0) {
    box.textContent = 'No recording changes logged yet.';
    changes.replaceChildren();
    return;
  }
  const now = Date.now();
  const start = Math.min(...segments.map((s) => Date.parse(s.from)));
  const end = Math.max(now, ...segments.map((s) => Date.parse(s.to ?? s.from)));
  const lanes = [...new Set(segments.map((s) => s.recordingSid))];
  const width = 1000;
  const left = 150;
  const lane = 44;
  const x = (ms) => left + ((ms - start) / Math.max(end - start, 1)) * (width - left - 10);
  const picture = svg('svg', {
    viewBox: `0 0 ${width} ${lanes.length * lane + 16}`,
    role: 'img',
    'aria-label': `Recording timeline of ${row.sid}`,
  });
  lanes.forEach((sid, i) => picture.append(svg('text', { x: 0, y: i * lane + 30 }, sid.slice(0, 12) + '…')));
  // Who asked, above each change; a label that would overlap the previous one is left to the tooltip and the list.
  const labelledUntil = new Map();
  for (const s of segments) {
    const i = lanes.indexOf(s.recordingSid);
    const from = x(Date.parse(s.from));
    const to = s.state === 'stopped' ? x(end) : x(s.to ? Date.parse(s.to) : now);
    const rect = svg('rect', {
      x: from,
      y: i * lane + 18,
      width: Math.max(to - from, 2),
      height: 18,
      class: `${s.state}${s.pauseBehavior ? ' ' + s.pauseBehavior : ''}`,
      'data-state': s.state,
    });
    rect.append(svg('title', {}, describe(s)));
    picture.append(rect, svg('line', { x1: from, x2: from, y1: i * lane + 4, y2: i * lane + 36, class: 'change' }));
    if (from >= (labelledUntil.get(i) ?? 0)) {
      const label = `${s.state === 'paused' ? `paused${s.pauseBehavior ? ` (${s.pauseBehavior})` : ''}${s.unproven ? ' ?' : ''}` : s.state} · ${s.by}`;
      const nearEnd = from > width - 160;
      picture.append(
        svg(
          'text',
          {
            x: nearEnd ? from - 3 : from + 3,
            y: i * lane + 13,
            'text-anchor': nearEnd ? 'end' : 'start',
            class: 'who',
          },
          label,
        ),
      );
      labelledUntil.set(i, from + 7 * label.length);
    }
  }
  picture.append(svg('text', { x: left, y: lanes.length * lane + 12 }, `${clock(new Date(start).toISOString())} UTC`));
  picture.append(
    svg(
      'text',
      { x: width - 10, y: lanes.length * lane + 12, 'text-anchor': 'end' },
      `${clock(new Date(end).toISOString())} UTC`,
    ),
  );
  box.replaceChildren(picture);
  changes.replaceChildren(
    ...segments.map((s) =>
      Object.assign(document.createElement('li'), { textContent: `${s.recordingSid}: ${describe(s)}` }),
    ),
  );
}

async function exportEvidence(row, format) {
  const result = row.el.querySelector('.window-result');
  try {
    const body = await api('/console/evidence', { ...target(row), Format: format }, format === 'csv' ? 'text' : 'json');
    const text = format === 'csv' ? body : JSON.stringify(body, null, 2);
    const link = Object.assign(document.createElement('a'), {
      href: URL.createObjectURL(new Blob([text], { type: format === 'csv' ? 'text/csv' : 'application/json' })),
      download: `evidence-${row.sid}.${format}`,
    });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  } catch (err) {
    result.textContent = `Export failed: ${err.message}`;
  }
}

async function checkWindow(row, event) {
  event.preventDefault();
  const form = event.target;
  const output = form.querySelector('.window-result');
  try {
    const answer = await api('/console/evidence', {
      ...target(row),
      From: form.elements.from.value.trim(),
      To: form.elements.to.value.trim(),
    });
    output.textContent = answer.window.insidePause
      ? 'Yes: the whole window lies inside a pause.'
      : 'No: some of the window was recorded, or no pause covers it.';
  } catch (err) {
    output.textContent = `Check failed: ${err.message}`;
  }
}

if (token) start();
else showSignIn();
