// The recording console: signs in, lists what Sync tracks every 2 s as supervisors know each call, and
// drives the console Functions. Every text from the server goes into the page as text (textContent),
// never as HTML. Times show in the browser's time zone, UTC on hover; exports stay in UTC.
'use strict';

const POLL_MS = 2000;
/** After a change, the evidence log may land a moment after the document: look again for this long. */
const EVIDENCE_SETTLE_MS = 4000;
const SVG = 'http://www.w3.org/2000/svg';
const $ = (id) => document.getElementById(id);

let token = sessionStorage.getItem('console-token');
let pollTimer;
/** sid → { el, sid, call, receivedAt, evidence, fetchTimelineUntil, busy, selection } */
const rows = new Map();
let alertSeconds = 0;

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

// ---- Words and times ----

const pad = (n, width = 2) => String(n).padStart(width, '0');
const utcText = (iso) => `${new Date(iso).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
const localTime = (ms, withMs = false) =>
  new Date(ms).toLocaleTimeString(undefined, withMs ? { fractionalSecondDigits: 3 } : {});

/** A time in the browser's zone, its UTC on hover (and for screen readers, in datetime). */
function timeEl(iso, withMs = false) {
  return Object.assign(document.createElement('time'), {
    dateTime: iso,
    title: utcText(iso),
    textContent: localTime(Date.parse(iso), withMs),
  });
}

/** What a datetime-local input holds for a moment: the browser's local time, to the millisecond. */
function localInput(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

function span(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

function spanInWords(seconds) {
  const m = Math.floor(seconds / 60);
  return m > 0 ? `${m} min${seconds % 60 ? ` ${seconds % 60} s` : ''}` : `${seconds} s`;
}

const DIRECTIONS = {
  inbound: 'Inbound',
  'outbound-api': 'Outbound (API)',
  'outbound-dial': 'Outbound (dialled)',
};
const ACTIONS = {
  'in-progress': 'resumed',
  start: 'started',
  'start (already recording)': 'start (already recording)',
};
const STATE_TEXT = { recording: 'Recording', paused: 'Paused', 'not-recording': 'Not recording' };

/** Who acted, in words: the evidence keeps studio:FW…/FN…, twiml, http, agent:<name>, console:admin… */
function who(by, flows = {}) {
  const flow = /^studio:(FW[0-9a-f]{32})/.exec(by);
  if (flow) return `Studio flow ${flows[flow[1]] ?? flow[1]}`;
  if (by === 'twiml') return 'TwiML app';
  if (by === 'http') return 'API request';
  if (by === 'twilio') return 'Twilio';
  const admin = /^console:admin(?: \((.*)\))?$/s.exec(by);
  if (admin) return admin[1] ? `${admin[1]} (console password)` : 'console admin (password)';
  const person = /^(agent|supervisor|admin):(.*)$/s.exec(by);
  if (person) return `${person[1]} ${person[2]}`;
  return by;
}

function title(call) {
  if (call.kind === 'conference') return `Conference ${call.friendlyName ?? call.sid}`;
  if (call.from || call.to) return `Call from ${call.from ?? 'unknown'} to ${call.to ?? 'unknown'}`;
  return `Call ${call.sid}`;
}

/** The seconds since the poll's answer, added to what it said. */
const since = (row) => Math.floor((Date.now() - row.receivedAt) / 1000);

// ---- Signing in and out ----

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
      // A Flex token names the supervisor in the evidence; the shared password signs in as console:admin (name).
      body: JSON.stringify(
        $('flex-token').value
          ? { Token: $('flex-token').value }
          : { Password: $('password').value, Name: $('admin-name').value },
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
  $('zone').textContent = `Times in ${Intl.DateTimeFormat().resolvedOptions().timeZone}; hover one for UTC.`;
  poll();
}

// ---- The list ----

let polling = false;
async function poll() {
  // A hidden tab reads nothing; it catches up when shown (see visibilitychange).
  if (polling || document.hidden) return;
  polling = true;
  clearTimeout(pollTimer);
  try {
    const digits = $('filter-number').value.replace(/\D/g, '');
    const answer = await api('/console/calls', digits.length >= 3 ? { Number: digits } : {});
    alertSeconds = answer.alertSeconds;
    render(answer.calls);
    $('refreshed').textContent = `Updated ${new Date().toLocaleTimeString()}.`;
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

/**
 * Updates the rows in the server's order (newest call first, by when Sync first heard of it), which a
 * change never alters: a row being read stays where it is.
 */
function render(calls) {
  const list = $('calls');
  const seen = new Set();
  const now = Date.now();
  calls.forEach((call) => {
    seen.add(call.sid);
    let row = rows.get(call.sid);
    if (!row) {
      row = createRow(call.sid);
      rows.set(call.sid, row);
    }
    if (row.call?.revision !== call.revision) row.fetchTimelineUntil = now + EVIDENCE_SETTLE_MS;
    row.call = call;
    row.receivedAt = now;
    updateRow(row);
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
  updateAgents(calls);
  applyFilters();
  updateAlerts();
}

function updateAgents(calls) {
  const select = $('filter-agent');
  const agents = [...new Set(calls.flatMap((c) => c.agents))].sort();
  const current = [...select.options].slice(1).map((o) => o.value);
  if (agents.join('\n') === current.join('\n')) return;
  const chosen = select.value;
  select.replaceChildren(
    new Option('All', ''),
    ...agents.map((a) => new Option(a, a)),
    ...(chosen && !agents.includes(chosen) ? [new Option(chosen, chosen)] : []),
  );
  select.value = chosen;
}

function matches(row) {
  const { call } = row;
  const state = $('filter-state').value;
  if (state === 'alert' ? !call.pauseAlert : state && call.state !== state) return false;
  const agent = $('filter-agent').value;
  if (agent && !call.agents.includes(agent)) return false;
  const words = $('filter-search').value.trim().toLowerCase();
  return !words || row.searchText.includes(words);
}

function applyFilters() {
  let shown = 0;
  for (const row of rows.values()) {
    row.el.hidden = !matches(row);
    if (!row.el.hidden) shown++;
  }
  $('shown').textContent = rows.size ? `Showing ${shown} of ${rows.size}.` : '';
}

function updateAlerts() {
  const count = [...rows.values()].filter((r) => r.call.pauseAlert).length;
  const text = count
    ? `${count === 1 ? '1 call has' : `${count} calls have`} been paused longer than ${spanInWords(alertSeconds)}: forgotten?`
    : '';
  if ($('alerts-text').textContent !== text) $('alerts-text').textContent = text;
  $('alerts').classList.toggle('active', count > 0);
  $('alerts-show').hidden = count === 0 || $('filter-state').value === 'alert';
}

$('filters').addEventListener('submit', (event) => event.preventDefault());
['filter-state', 'filter-agent', 'filter-search'].forEach((id) => $(id).addEventListener('input', applyFilters));
['filter-state'].forEach((id) => $(id).addEventListener('change', updateAlerts));
let numberTimer;
$('filter-number').addEventListener('input', () => {
  // The number is matched on the server, against the numbers the page only sees masked.
  clearTimeout(numberTimer);
  numberTimer = setTimeout(poll, 300);
});
$('alerts-show').addEventListener('click', () => {
  $('filter-state').value = 'alert';
  applyFilters();
  updateAlerts();
  $('filter-state').focus();
});

function createRow(sid) {
  const el = $('call-template').content.firstElementChild.cloneNode(true);
  el.dataset.sid = sid;
  const titleId = `title-${sid}`;
  el.querySelector('.title').id = titleId;
  const row = { el, sid, details: el.querySelector('details.evidence'), evidence: null, fetchTimelineUntil: 0 };
  el.querySelectorAll('[data-action]').forEach((button) => {
    button.setAttribute('aria-describedby', titleId);
    button.addEventListener('click', () => control(row, button));
  });
  el.querySelectorAll('[data-export]').forEach((button) =>
    button.addEventListener('click', () => exportEvidence(row, button.dataset.export)),
  );
  el.querySelector('.window-check').addEventListener('submit', (event) => {
    event.preventDefault();
    checkWindow(row);
  });
  row.details.addEventListener('toggle', () => {
    if (row.details.open) {
      row.fetchTimelineUntil = Date.now() + EVIDENCE_SETTLE_MS;
      refreshTimeline(row);
    }
  });
  return row;
}

const text = (el, selector, value) => {
  const node = el.querySelector(selector);
  if (node.textContent !== value) node.textContent = value;
  node.hidden = !value;
};

function updateRow(row) {
  const { el, call } = row;
  const state = el.querySelector('.state');
  state.dataset.state = call.state;
  state.textContent = STATE_TEXT[call.state] ?? call.state;
  el.dataset.state = call.state;
  el.classList.toggle('alerting', Boolean(call.pauseAlert));
  text(el, '.title', title(call));
  text(el, '.direction', DIRECTIONS[call.direction] ?? call.direction ?? '');
  updateClock(row);
  text(el, '.agent', call.agents.length ? `Agent ${call.agents.join(', ')}` : '');
  const flows = call.actors.filter((by) => by.startsWith('studio:')).map((by) => who(by, call.flows));
  text(el, '.flow', [...new Set(flows)].join(', '));
  const last = el.querySelector('.last-change');
  const change = call.lastChange;
  if (change) {
    last.replaceChildren(
      `Last: ${ACTIONS[change.action] ?? change.action} by ${who(change.by, call.flows)} at `,
      timeEl(change.at),
    );
  } else last.replaceChildren();
  const ids = [
    [call.kind === 'conference' ? 'Conference' : 'Call', call.sid],
    ...call.recordings.map((r) => [
      `Recording, ${r.status}${r.pauseBehavior ? ` (${r.pauseBehavior})` : ''}`,
      r.recordingSid,
    ]),
  ];
  row.searchText = [
    title(call),
    STATE_TEXT[call.state],
    DIRECTIONS[call.direction] ?? '',
    ...call.agents,
    ...flows,
    ...ids.map(([, sid]) => sid),
  ]
    .join('\n')
    .toLowerCase();
  const sids = el.querySelector('.sids');
  if (sids.dataset.text !== JSON.stringify(ids)) {
    sids.dataset.text = JSON.stringify(ids);
    sids.replaceChildren(
      ...ids.map(([label, sid]) => {
        const li = document.createElement('li');
        li.append(`${label}: `, Object.assign(document.createElement('code'), { textContent: sid }));
        return li;
      }),
    );
  }
  if (!row.busy) {
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
}

/** The duration and the pause's age go on between polls. */
function updateClock(row) {
  const { el, call } = row;
  const ended = call.durationSeconds !== undefined || (call.endTime && call.kind === 'conference');
  let seconds;
  if (call.durationSeconds !== undefined) seconds = call.durationSeconds;
  else if (call.startTime)
    seconds = ((ended ? Date.parse(call.endTime) : Date.now()) - Date.parse(call.startTime)) / 1000;
  text(el, '.duration', seconds === undefined ? '' : `${ended ? 'Lasted' : 'Duration'} ${span(seconds)}`);
  const alert = el.querySelector('.alert');
  alert.hidden = !call.pauseAlert;
  if (call.pauseAlert) {
    const paused = call.pausedForSeconds + since(row);
    const words = `Paused for ${spanInWords(paused)}, past the ${spanInWords(alertSeconds)} alert: was it forgotten? The call goes on unrecorded.`;
    text(el, '.alert-text', words);
  }
}
setInterval(() => rows.forEach((row) => row.call && updateClock(row)), 1000);

// ---- Asking before acting ----

/** A modal question; resolves to the reason typed (or '' without one), or null when cancelled. */
function ask({ heading, message, confirm, reason = false }) {
  const dialog = $('ask');
  $('ask-title').textContent = heading;
  $('ask-message').textContent = message;
  $('ask-confirm').textContent = confirm;
  $('ask-reason-field').hidden = !reason;
  $('ask-reason').required = reason;
  $('ask-reason').value = '';
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => resolve(dialog.returnValue === 'confirm' ? $('ask-reason').value.trim() : null),
      { once: true },
    );
    dialog.showModal();
    (reason ? $('ask-reason') : dialog.querySelector('button[value=cancel]')).focus();
  });
}

const target = (row) => (row.sid.startsWith('CF') ? { ConferenceSid: row.sid } : { CallSid: row.sid });

async function control(row, button) {
  const result = row.el.querySelector('.result');
  const action = button.dataset.action;
  const name = button.textContent;
  if (
    action === 'stop' &&
    (await ask({
      heading: 'Stop this recording?',
      message: `${title(row.call)} (${row.sid}): a stopped recording can never be resumed; only a new recording can be started.`,
      confirm: 'Stop recording',
    })) === null
  )
    return;
  result.classList.remove('failed');
  result.textContent = `${name}…`;
  row.busy = true;
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
      // A flow's pause (e.g. while a card number is read) is lifted or stopped only with a reason, kept in the
      // evidence; the Function judges it (10 letters or digits), and a refused one is asked for again.
      let refused = err;
      while (refused?.code === 'REASON_REQUIRED') {
        const reason = await ask({
          heading: action === 'stop' ? 'Stop during a flow’s pause?' : 'Resume a flow’s pause?',
          message: `${title(row.call)}: ${refused.message}`,
          confirm: action === 'stop' ? 'Stop with this reason' : 'Resume with this reason',
          reason: true,
        });
        if (!reason) throw refused;
        try {
          answer = await api('/console/control', { ...params, Reason: reason });
          refused = undefined;
        } catch (again) {
          refused = again;
        }
      }
      if (refused) throw refused;
    }
    result.textContent = `${name}: done, ${answer.recordingSid} is ${answer.status}${answer.evidenceLogged === false ? ' (warning: not written to the evidence log)' : ''}`;
    row.fetchTimelineUntil = Date.now() + EVIDENCE_SETTLE_MS;
  } catch (err) {
    result.classList.add('failed');
    result.textContent = `${name} failed: ${err.code}: ${err.message}`;
  }
  row.busy = false;
  if (row.call) updateRow(row);
  poll();
}

// ---- The timeline ----

async function refreshTimeline(row) {
  // A redraw would drop the stretch being dragged.
  if (row.loading || row.selecting) return;
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

const svg = (name, attrs, content) => {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (content !== undefined) node.textContent = content;
  return node;
};

/** In the picture an unproven pause ends with "?" (the legend says so); the list spells it out. */
const stateWords = (s, short = false) =>
  s.state === 'paused'
    ? `paused${s.pauseBehavior ? ` (${s.pauseBehavior})` : ''}${short && s.unproven ? ' ?' : ''}`
    : s.state;

function whoDid(row, s) {
  const reason = s.reason;
  return `${who(s.by, row.evidence?.flows)}${reason ? ` (reason: ${reason})` : ''}${s.source === 'callback' ? ' (Twilio callback)' : ''}`;
}

const describe = (row, s) =>
  `${stateWords(s)} from ${localTime(Date.parse(s.from))} (${utcText(s.from)}) by ${whoDid(row, s)}${s.unproven || s.state === 'uncertain' ? `: ${s.why}` : ''}`;

const LANE = 78;
const PAD = 8;
const LABEL_ROWS = [30, 45];

/**
 * Each recording on its own lane, drawn at the box's own width in pixels (so text keeps its size on a
 * phone): recorded, paused and stopped stretches over wall-clock time, with who asked above each change.
 * A label is placed in the first of two rows where it overlaps none; where none is free it is left to
 * the tooltip and the list below.
 */
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
  const width = Math.max(box.clientWidth, 240);
  const height = lanes.length * LANE + 22;
  const x = (ms) => PAD + ((ms - start) / Math.max(end - start, 1)) * (width - 2 * PAD);
  const picture = svg('svg', {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `Recording timeline of ${title(row.call ?? { sid: row.sid, kind: 'call' })}; the changes are listed below`,
  });
  row.scale = { start, end, width };
  box.replaceChildren(picture);
  lanes.forEach((sid, i) => {
    const name = svg(
      'text',
      { x: PAD, y: i * LANE + 14, class: 'lane' },
      `Recording ${sid.slice(0, 8)}…${sid.slice(-4)}`,
    );
    name.append(svg('title', {}, sid));
    picture.append(name);
  });
  const taken = new Map();
  const place = (i, from, label) => {
    for (const [r, y] of LABEL_ROWS.entries()) {
      const node = svg('text', { x: from + 3, y: i * LANE + y, class: 'who' }, label);
      picture.append(node);
      let [left, right] = [from + 3, from + 3 + node.getComputedTextLength()];
      if (right > width - PAD) {
        node.setAttribute('x', from - 3);
        node.setAttribute('text-anchor', 'end');
        [left, right] = [from - 3 - node.getComputedTextLength(), from - 3];
      }
      const key = `${i}:${r}`;
      const used = taken.get(key) ?? [];
      if (left >= 0 && used.every(([a, b]) => right + 6 <= a || left >= b + 6)) {
        taken.set(key, [...used, [left, right]]);
        return;
      }
      node.remove();
    }
  };
  for (const s of segments) {
    const i = lanes.indexOf(s.recordingSid);
    const from = x(Date.parse(s.from));
    const to = s.state === 'stopped' ? x(end) : x(s.to ? Date.parse(s.to) : now);
    const rect = svg('rect', {
      x: from,
      y: i * LANE + 52,
      width: Math.max(to - from, 2),
      height: 20,
      class: `${s.state}${s.pauseBehavior ? ' ' + s.pauseBehavior : ''}`,
      'data-state': s.state,
    });
    rect.append(svg('title', {}, describe(row, s)));
    picture.append(rect, svg('line', { x1: from, x2: from, y1: i * LANE + 49, y2: i * LANE + 75, class: 'change' }));
    place(i, from, `${stateWords(s, true)} · ${who(s.by, row.evidence.flows)}`);
  }
  const axis = (ms, anchor) => {
    const label = svg(
      'text',
      { x: anchor === 'end' ? width - PAD : PAD, y: height - 6, 'text-anchor': anchor },
      localTime(ms),
    );
    label.append(svg('title', {}, utcText(new Date(ms).toISOString())));
    picture.append(label);
  };
  axis(start, 'start');
  axis(end, 'end');
  const selection = svg('rect', { class: 'selection', y: 20, height: lanes.length * LANE - 10, x: 0, width: 0 });
  picture.append(selection);
  showSelection(row, selection);
  enableSelection(row, picture, selection);
  changes.replaceChildren(
    ...segments.map((s) => {
      const li = document.createElement('li');
      li.append(
        timeEl(s.from),
        ` ${s.recordingSid}: ${stateWords(s)} by ${whoDid(row, s)}${s.unproven ? `, unproven: ${s.why}` : ''}${s.state === 'uncertain' ? `: ${s.why}` : ''}`,
      );
      return li;
    }),
  );
  drawCaptures(row);
}

const VERDICT_TEXT = {
  'inside-proven-pause': 'inside a proven pause',
  'not-recorded': 'not recorded',
  exception: 'EXCEPTION',
  unknown: 'unknown',
};

/** Each card capture Twilio reported on the call, with its verdict by the rule of proof. */
function drawCaptures(row) {
  const captures = row.evidence.captures ?? [];
  row.el.querySelector('.captures-heading').hidden = captures.length === 0;
  row.el.querySelector('.captures').replaceChildren(
    ...captures.map((c) => {
      const li = document.createElement('li');
      const verdict = document.createElement('strong');
      verdict.className = c.verdict;
      verdict.textContent = VERDICT_TEXT[c.verdict] ?? c.verdict;
      li.append(
        timeEl(c.from),
        ` to `,
        timeEl(c.to),
        `: card capture ${c.result ?? '(no result reported)'}, `,
        verdict,
        ` (${c.why})`,
      );
      return li;
    }),
  );
}

const msAt = (row, px) =>
  row.scale.start + ((px - PAD) / (row.scale.width - 2 * PAD)) * (row.scale.end - row.scale.start);
const pxAt = (row, ms) =>
  PAD + ((ms - row.scale.start) / Math.max(row.scale.end - row.scale.start, 1)) * (row.scale.width - 2 * PAD);

function showSelection(row, rect) {
  if (!row.selection) return;
  const [a, b] = row.selection.map((ms) => pxAt(row, ms));
  rect.setAttribute('x', Math.min(a, b));
  rect.setAttribute('width', Math.abs(b - a));
}

/** Dragging across the timeline selects a stretch of time, then checks it as if typed in the form. */
function enableSelection(row, picture, rect) {
  let anchor;
  const at = (event) =>
    Math.min(Math.max(event.clientX - picture.getBoundingClientRect().left, PAD), row.scale.width - PAD);
  picture.addEventListener('pointerdown', (event) => {
    anchor = at(event);
    picture.setPointerCapture(event.pointerId);
    row.selecting = true;
  });
  picture.addEventListener('pointermove', (event) => {
    if (anchor === undefined) return;
    row.selection = [msAt(row, anchor), msAt(row, at(event))];
    showSelection(row, rect);
  });
  picture.addEventListener('pointerup', (event) => {
    if (anchor === undefined) return;
    const [a, b] = [anchor, at(event)].sort((p, q) => p - q);
    anchor = undefined;
    row.selecting = false;
    if (b - a < 3) return;
    row.selection = [Math.round(msAt(row, a)), Math.round(msAt(row, b))];
    showSelection(row, rect);
    const form = row.el.querySelector('.window-check');
    form.elements.from.value = localInput(row.selection[0]);
    form.elements.to.value = localInput(row.selection[1]);
    checkWindow(row);
  });
}

let resizeTimer;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => rows.forEach((row) => row.details.open && row.evidence && drawTimeline(row)), 150);
});

// ---- Evidence ----

async function exportEvidence(row, format) {
  const result = row.el.querySelector('.window-result');
  try {
    const body = await api('/console/evidence', { ...target(row), Format: format }, format === 'csv' ? 'text' : 'json');
    const content = format === 'csv' ? body : JSON.stringify(body, null, 2);
    const link = Object.assign(document.createElement('a'), {
      href: URL.createObjectURL(new Blob([content], { type: format === 'csv' ? 'text/csv' : 'application/json' })),
      download: `evidence-${row.sid}.${format}`,
    });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  } catch (err) {
    result.textContent = `Export failed: ${err.message}`;
  }
}

/** The typed (or selected) window, in the browser's time, sent as UTC. */
async function checkWindow(row) {
  const form = row.el.querySelector('.window-check');
  const output = form.querySelector('.window-result');
  const [from, to] = [form.elements.from.value, form.elements.to.value].map((v) => new Date(v));
  if ([from, to].some((d) => Number.isNaN(d.getTime()))) {
    output.textContent = 'Give both times, or drag across the timeline.';
    return;
  }
  output.textContent = 'Checking…';
  try {
    const answer = await api('/console/evidence', {
      ...target(row),
      From: from.toISOString(),
      To: to.toISOString(),
    });
    const stretch = `${localTime(from.getTime(), true)} to ${localTime(to.getTime(), true)}`;
    output.title = `${from.toISOString()} to ${to.toISOString()}`;
    output.textContent =
      answer.window.insidePause === 'unknown'
        ? `Unknown: Twilio's list of the recordings could not be read, so ${stretch} cannot be proven paused.`
        : answer.window.insidePause
          ? `Yes: ${stretch} lies wholly inside a pause.`
          : `No: some of ${stretch} was recorded, or no pause covers it.`;
  } catch (err) {
    output.textContent = `Check failed: ${err.message}`;
  }
}

if (token) start();
else showSignIn();
