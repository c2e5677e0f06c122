// The recording console: signs in, lists what Sync tracks every 2 s as supervisors know each call (one
// line each, sorted, counted per state, a page at a time; after the first answer only what changed), and
// drives the console Functions. Every text from the server goes into the page as text (textContent),
// never as HTML. Times show as date and 24-hour time in the browser's time zone, UTC on hover; exports
// stay in UTC.
'use strict';

const POLL_MS = 2000;
/** After a change, the evidence log may land a moment after the document: look again for this long. */
const EVIDENCE_SETTLE_MS = 4000;
const SVG = 'http://www.w3.org/2000/svg';
const $ = (id) => document.getElementById(id);

/** Lines a page shows. */
const PAGE_SIZE = 50;
/** Every this many polls, the whole list instead of what changed (agents, ended calls, expired ones). */
const FULL_EVERY = 15;

let token = sessionStorage.getItem('console-token');
let pollTimer;
/** sid → the call as the server last described it. */
const calls = new Map();
/** sid → { el, sid, call, receivedAt, evidence, fetchTimelineUntil, busy, selection, zoom, pinned } for calls drawn or acted on. */
const rows = new Map();
let alertSeconds = 0;
/** The last answer's cursor, and the filter it was given for: a refresh asks only for what changed since. */
let cursor = null;
let cursorNumber = '';
let pollsSinceFull = 0;
/** Newest call first by default, when Sync first heard of it: a line being read never moves when it changes. */
let sortKey = 'created';
let sortDescending = true;
let pageIndex = 0;
let stateFilter = '';

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
/** One way to write a moment everywhere, fields included: local date and 24-hour time, ms where they matter. */
function localTime(ms, withMs = false) {
  const d = new Date(ms);
  const text = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withMs ? `${text}.${pad(d.getMilliseconds(), 3)}` : text;
}

/** A time in the browser's zone, its UTC on hover (and for screen readers, in datetime). */
function timeEl(iso, withMs = false) {
  return Object.assign(document.createElement('time'), {
    dateTime: iso,
    title: utcText(iso),
    textContent: localTime(Date.parse(iso), withMs),
  });
}

/** What a window field holds for a moment: as localTime writes it, to the millisecond. */
const localInput = (ms) => localTime(ms, true);

/** A typed local time (YYYY-MM-DD HH:MM[:SS[.mmm]], or with a T), or an invalid Date. */
function parseLocal(text) {
  const m = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,3}))?)?$/.exec(text.trim());
  if (!m) return new Date(NaN);
  const [, y, mo, d, h, mi, sec = '0', ms = '0'] = m;
  return new Date(+y, +mo - 1, +d, +h, +mi, +sec, +ms.padEnd(3, '0'));
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

/**
 * How to show a person the console names by their one name (their Flex identity, as the history keeps
 * `agent:<identity>`): their TaskRouter worker's friendly name, once an answer gave it.
 */
const agentNames = new Map();
const agentLabel = (identity) => agentNames.get(identity) ?? identity;

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
  if (person) return `${person[1]} ${agentLabel(person[2])}`;
  return by;
}

function title(call) {
  if (call.kind === 'conference') return `Conference ${call.friendlyName ?? call.sid}`;
  if (call.from || call.to) return `Call from ${call.from ?? 'unknown'} to ${call.to ?? 'unknown'}`;
  return `Call ${call.sid}`;
}

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
  for (const row of rows.values()) row.el.remove();
  rows.clear();
  calls.clear();
  cursor = null;
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
  $('zone').textContent = `Times in ${Intl.DateTimeFormat().resolvedOptions().timeZone}, 24-hour; hover one for UTC.`;
  poll();
}

// ---- The list ----

const digitsTyped = () => $('filter-number').value.replace(/\D/g, '');

let polling = false;
async function poll() {
  // A hidden tab reads nothing; it catches up when shown (see visibilitychange).
  if (polling || document.hidden) return;
  polling = true;
  clearTimeout(pollTimer);
  try {
    const digits = digitsTyped();
    const number = digits.length >= 3 ? digits : '';
    // What changed since the last answer, but the whole list now and then, and whenever the filter changed.
    const since = cursor && number === cursorNumber && pollsSinceFull < FULL_EVERY ? cursor : null;
    const answer = await api('/console/calls', {
      ...(number ? { Number: number } : {}),
      ...(since ? { Since: since } : {}),
    });
    alertSeconds = answer.alertSeconds;
    if (!since) calls.clear();
    const now = Date.now();
    for (const call of answer.calls) {
      calls.set(call.sid, { ...call, receivedAt: now });
      for (const [identity, name] of Object.entries(call.agentNames ?? {})) agentNames.set(identity, name);
    }
    cursor = answer.cursor;
    cursorNumber = number;
    pollsSinceFull = since ? pollsSinceFull + 1 : 0;
    // A count that differs means calls left the list (expired): the next poll reads it whole.
    if (calls.size !== answer.total) pollsSinceFull = FULL_EVERY;
    render();
    $('refreshed').textContent = `Updated ${localTime(Date.now())}.`;
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

/** Ended: Twilio says the call (or conference) is over; a call Twilio said nothing about is not called ended. */
const isEnded = (call) =>
  call.durationSeconds !== undefined ||
  Boolean(call.endTime) ||
  (call.callStatus !== undefined && !['in-progress', 'init'].includes(call.callStatus));

/** A pause's age goes on between polls: from when it began, by this browser's clock. */
const pausedFor = (call) =>
  call.pausedSince ? Math.max(0, Math.floor((Date.now() - Date.parse(call.pausedSince)) / 1000)) : 0;
const isAlerting = (call) => Boolean(call.pausedSince) && alertSeconds > 0 && pausedFor(call) >= alertSeconds;

function durationOf(call) {
  if (call.durationSeconds !== undefined) return call.durationSeconds;
  if (!call.startTime) return undefined;
  return ((call.endTime ? Date.parse(call.endTime) : Date.now()) - Date.parse(call.startTime)) / 1000;
}

const flowText = (call) =>
  [...new Set(call.actors.filter((by) => by.startsWith('studio:')).map((by) => who(by, call.flows)))].join(', ');

const agentsText = (call) => call.agents.map(agentLabel).join(', ');

const SORTS = {
  state: (c) => `${isEnded(c) ? 1 : 0}${c.state}`,
  from: (c) => c.from ?? '',
  to: (c) => c.to ?? '',
  direction: (c) => DIRECTIONS[c.direction] ?? c.direction ?? '',
  duration: (c) => durationOf(c) ?? -1,
  agent: (c) => agentsText(c),
  flow: (c) => flowText(c),
  change: (c) => c.lastChange?.at ?? c.createdAt,
  created: (c) => c.createdAt,
};

function searchText(call) {
  return [
    title(call),
    STATE_TEXT[call.state],
    isEnded(call) ? 'ended' : '',
    DIRECTIONS[call.direction] ?? '',
    ...call.agents,
    agentsText(call),
    flowText(call),
    call.sid,
    ...call.recordings.map((r) => r.recordingSid),
  ]
    .join('\n')
    .toLowerCase();
}

function matches(call, state = stateFilter) {
  if (state === 'alert' ? !isAlerting(call) : state === 'ended' ? !isEnded(call) : state && call.state !== state)
    return false;
  const agent = $('filter-agent').value;
  if (agent && !call.agents.includes(agent)) return false;
  const words = $('filter-search').value.trim().toLowerCase();
  return !words || searchText(call).includes(words);
}

/**
 * Draws the page: the calls that match (and those acted on, until their result is dismissed), sorted,
 * PAGE_SIZE at a time. Only the lines on the page exist in the document.
 */
function render() {
  const table = $('calls-table');
  const key = SORTS[sortKey];
  const shown = [...calls.values()]
    .filter((call) => matches(call) || rows.get(call.sid)?.pinned)
    .sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      const order = x < y ? -1 : x > y ? 1 : a.createdAt < b.createdAt ? 1 : -1;
      return sortDescending ? -order : order;
    });
  const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
  pageIndex = Math.min(pageIndex, pages - 1);
  const page = shown.slice(pageIndex * PAGE_SIZE, (pageIndex + 1) * PAGE_SIZE);
  const onPage = new Set(page.map((c) => c.sid));
  const now = Date.now();
  for (const [sid, row] of rows) {
    if (onPage.has(sid)) continue;
    row.el.remove();
    if (!row.pinned && !row.busy) rows.delete(sid);
  }
  page.forEach((call, i) => {
    let row = rows.get(call.sid);
    if (!row) {
      row = createRow(call.sid);
      rows.set(call.sid, row);
    }
    const revised = row.call?.revision !== call.revision;
    if (revised) row.fetchTimelineUntil = now + EVIDENCE_SETTLE_MS;
    const changed = row.call !== call;
    row.call = call;
    if (changed) updateRow(row);
    updateClock(row);
    // Read again only while the evidence may still be landing: a later change brings a new revision.
    if (row.open && changed && now < row.fetchTimelineUntil) refreshTimeline(row);
    if (table.tBodies[i] !== row.el) table.insertBefore(row.el, table.tBodies[i] ?? null);
  });
  $('calls-empty').hidden = calls.size > 0;
  $('shown').textContent = calls.size ? `Showing ${shown.length} of ${calls.size}.` : '';
  $('pager').hidden = pages <= 1;
  $('page-text').textContent = shown.length
    ? `Lines ${pageIndex * PAGE_SIZE + 1}–${pageIndex * PAGE_SIZE + page.length} of ${shown.length}, page ${pageIndex + 1} of ${pages}`
    : '';
  $('page-previous').disabled = pageIndex === 0;
  $('page-next').disabled = pageIndex >= pages - 1;
  updateCounts();
  updateAgents();
  updateAlerts();
}

function updateCounts() {
  const all = [...calls.values()].filter((c) => matches(c, ''));
  const count = (state) => all.filter((c) => matches(c, state)).length;
  $('count-all').textContent = String(all.length);
  for (const state of ['recording', 'paused', 'alert', 'not-recording', 'ended'])
    $(`count-${state}`).textContent = String(count(state));
  for (const button of $('counts').querySelectorAll('button'))
    button.setAttribute('aria-pressed', String(button.dataset.state === stateFilter));
}

function updateAgents() {
  const select = $('filter-agent');
  const agents = [...new Set([...calls.values()].flatMap((c) => c.agents))].sort();
  const current = [...select.options].slice(1).map((o) => `${o.value}\t${o.text}`);
  if (agents.map((a) => `${a}\t${agentLabel(a)}`).join('\n') === current.join('\n')) return;
  const chosen = select.value;
  select.replaceChildren(
    new Option('All', ''),
    ...agents.map((a) => new Option(agentLabel(a), a)),
    ...(chosen && !agents.includes(chosen) ? [new Option(chosen, chosen)] : []),
  );
  select.value = chosen;
}

const forgotten = () => [...calls.values()].filter(isAlerting);

function updateAlerts() {
  const count = forgotten().length;
  const text = count
    ? `${count === 1 ? '1 call has' : `${count} calls have`} been paused longer than ${spanInWords(alertSeconds)}: forgotten?`
    : '';
  if ($('alerts-text').textContent !== text) $('alerts-text').textContent = text;
  $('alerts').classList.toggle('active', count > 0);
  $('alerts-show').hidden = count === 0 || stateFilter === 'alert';
  $('alerts-resume-all').hidden = count === 0;
  $('alerts-resume-all').textContent = count > 1 ? `Resume all ${count} forgotten` : 'Resume the forgotten one';
}

function setStateFilter(state) {
  stateFilter = state;
  pageIndex = 0;
  render();
}

$('filters').addEventListener('submit', (event) => event.preventDefault());
['filter-agent', 'filter-search'].forEach((id) =>
  $(id).addEventListener('input', () => {
    pageIndex = 0;
    render();
  }),
);
$('counts').addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (button) setStateFilter(button.dataset.state);
});
$('calls-table')
  .querySelectorAll('th button[data-sort]')
  .forEach((button) =>
    button.addEventListener('click', () => {
      sortDescending = sortKey === button.dataset.sort ? !sortDescending : button.dataset.sort === 'change';
      sortKey = button.dataset.sort;
      for (const th of $('calls-table').querySelectorAll('th[aria-sort]'))
        th.setAttribute(
          'aria-sort',
          th.querySelector('button').dataset.sort === sortKey ? (sortDescending ? 'descending' : 'ascending') : 'none',
        );
      render();
    }),
  );
$('page-previous').addEventListener('click', () => {
  pageIndex = Math.max(0, pageIndex - 1);
  render();
});
$('page-next').addEventListener('click', () => {
  pageIndex += 1;
  render();
});
let numberTimer;
$('filter-number').addEventListener('input', () => {
  // The number is matched on the server, against the numbers the page only sees masked.
  const digits = digitsTyped();
  $('filter-number-hint').textContent =
    digits.length > 0 && digits.length < 3
      ? `Type at least 3 digits to filter by number (${digits.length} so far): all calls are shown meanwhile.`
      : '3 or more digits of the caller or called number';
  $('filter-number-hint').classList.toggle('warning', digits.length > 0 && digits.length < 3);
  clearTimeout(numberTimer);
  numberTimer = setTimeout(() => {
    pageIndex = 0;
    poll();
  }, 300);
});
$('alerts-show').addEventListener('click', () => {
  setStateFilter('alert');
  $('counts').querySelector('[data-state="alert"]').focus();
});
$('alerts-resume-all').addEventListener('click', resumeAllForgotten);

function createRow(sid) {
  const el = $('call-template').content.firstElementChild.cloneNode(true);
  el.dataset.sid = sid;
  const titleId = `title-${sid}`;
  el.querySelector('.title').id = titleId;
  const detailsId = `details-${sid}`;
  const detailsRow = el.querySelector('.details-row');
  detailsRow.id = detailsId;
  const row = { el, sid, detailsRow, evidence: null, fetchTimelineUntil: 0, open: false };
  el.querySelectorAll('[data-action]').forEach((button) => {
    button.setAttribute('aria-describedby', titleId);
    button.addEventListener('click', () => control(row, button));
  });
  const toggle = el.querySelector('.open-details');
  toggle.setAttribute('aria-controls', detailsId);
  toggle.setAttribute('aria-describedby', titleId);
  toggle.addEventListener('click', () => {
    row.open = !row.open;
    toggle.setAttribute('aria-expanded', String(row.open));
    detailsRow.hidden = !row.open;
    if (row.open) {
      row.fetchTimelineUntil = Date.now() + EVIDENCE_SETTLE_MS;
      refreshTimeline(row);
    }
  });
  el.querySelector('.dismiss').addEventListener('click', () => {
    row.pinned = false;
    el.querySelector('.result-box').hidden = true;
    render();
  });
  el.querySelectorAll('[data-export]').forEach((button) =>
    button.addEventListener('click', () => exportEvidence(row, button.dataset.export)),
  );
  el.querySelector('.window-check').addEventListener('submit', (event) => {
    event.preventDefault();
    checkWindow(row);
  });
  el.querySelector('.zoom-in').addEventListener('click', () => {
    row.zoom = [...row.selection].sort((a, b) => a - b);
    drawTimeline(row);
  });
  el.querySelector('.zoom-out').addEventListener('click', () => {
    row.zoom = null;
    drawTimeline(row);
  });
  return row;
}

const text = (el, selector, value) => {
  const node = el.querySelector(selector);
  if (node.textContent !== value) node.textContent = value;
};

function updateRow(row) {
  const { el, call } = row;
  const state = el.querySelector('.state');
  state.dataset.state = call.state;
  state.textContent = STATE_TEXT[call.state] ?? call.state;
  el.dataset.state = call.state;
  const ended = isEnded(call);
  el.classList.toggle('ended', ended);
  el.querySelector('.ended-label').hidden = !ended;
  text(el, '.title', title(call));
  text(el, '.details-title', title(call));
  text(el, '.from', call.kind === 'conference' ? `Conference ${call.friendlyName ?? ''}`.trim() : (call.from ?? '–'));
  text(el, '.to', call.kind === 'conference' ? '–' : (call.to ?? '–'));
  text(el, '.direction', DIRECTIONS[call.direction] ?? call.direction ?? '–');
  text(el, '.agent', agentsText(call) || '–');
  text(el, '.flow', flowText(call) || '–');
  const last = el.querySelector('.last-change');
  const change = call.lastChange;
  if (change) {
    last.replaceChildren(
      `${ACTIONS[change.action] ?? change.action} by ${who(change.by, call.flows)}, `,
      timeEl(change.at),
    );
  } else last.replaceChildren('–');
  const ids = [
    [call.kind === 'conference' ? 'Conference' : 'Call', call.sid],
    ...call.recordings.map((r) => [
      `Recording, ${r.status}${r.pauseBehavior ? ` (${r.pauseBehavior})` : ''}`,
      r.recordingSid,
    ]),
  ];
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
      // Twilio starts a recording only on a call in progress (21220): never on one that ended.
      start: isCall && !call.live && call.callStatus === 'in-progress',
    };
    el.querySelectorAll('.actions [data-action]').forEach((button) => {
      button.disabled = !enabled[button.dataset.action];
      button.hidden = button.dataset.action === 'start' && ended;
    });
  }
}

/** The duration and the pause's age go on between polls. */
function updateClock(row) {
  const { el, call } = row;
  const seconds = durationOf(call);
  text(el, '.duration', seconds === undefined ? '–' : `${span(seconds)}${isEnded(call) ? ' (ended)' : ''}`);
  const alerting = isAlerting(call);
  el.classList.toggle('alerting', alerting);
  const alert = el.querySelector('.alert');
  alert.hidden = !alerting;
  if (alerting)
    text(
      el,
      '.alert-text',
      `Paused for ${spanInWords(pausedFor(call))}, past the ${spanInWords(alertSeconds)} alert: was it forgotten? The call goes on unrecorded.`,
    );
}
setInterval(() => {
  rows.forEach((row) => row.call && row.el.isConnected && updateClock(row));
  if (calls.size) {
    updateAlerts();
    updateCounts();
  }
}, 1000);

// ---- Asking before acting ----

/** The question asked last, until its dialog's `close` event (or the next question) answers it. */
let unanswered;

/** A modal question; resolves to the reason typed (or '' without one), or null when cancelled. */
function ask({ heading, message, confirm, reason = false }) {
  const dialog = $('ask');
  const answer = () => (dialog.returnValue === 'confirm' ? $('ask-reason').value.trim() : null);
  // A browser under load may deliver a dialog's `close` event after the next question has opened: the
  // question before is answered now, and that late event must not answer this one.
  unanswered?.(answer());
  $('ask-title').textContent = heading;
  $('ask-message').textContent = message;
  $('ask-confirm').textContent = confirm;
  $('ask-reason-field').hidden = !reason;
  $('ask-reason').required = reason;
  $('ask-reason').value = '';
  dialog.returnValue = '';
  return new Promise((resolve) => {
    const onClose = () => {
      if (!dialog.open) settle(answer());
    };
    const settle = (value) => {
      dialog.removeEventListener('close', onClose);
      unanswered = undefined;
      resolve(value);
    };
    unanswered = settle;
    dialog.addEventListener('close', onClose);
    dialog.showModal();
    (reason ? $('ask-reason') : dialog.querySelector('button[value=cancel]')).focus();
  });
}

const target = (row) => (row.sid.startsWith('CF') ? { ConferenceSid: row.sid } : { CallSid: row.sid });

/** Shows a line's result, and keeps the line on the page (whatever the filter) until it is dismissed. */
function showResult(row, message, failed = false) {
  const result = row.el.querySelector('.result');
  result.classList.toggle('failed', failed);
  result.textContent = message;
  row.el.querySelector('.result-box').hidden = false;
  row.pinned = true;
}

/** Sends one control; a flow's pause asks for a reason (`reason` given, or asked for once here). */
async function send(row, action, behavior, reason) {
  const params = { ...target(row), Action: action, ...(behavior ? { PauseBehavior: behavior } : {}) };
  try {
    return await api('/console/control', reason ? { ...params, Reason: reason } : params);
  } catch (err) {
    // A flow's pause (e.g. while a card number is read) is lifted or stopped only with a reason, kept in the
    // evidence; the Function judges it (10 letters or digits), and a refused one is asked for again.
    if (reason) throw err;
    let refused = err;
    while (refused?.code === 'REASON_REQUIRED') {
      const typed = await ask({
        heading: action === 'stop' ? 'Stop during a flow’s pause?' : 'Resume a flow’s pause?',
        message: `${title(row.call)}: ${refused.message}`,
        confirm: action === 'stop' ? 'Stop with this reason' : 'Resume with this reason',
        reason: true,
      });
      if (!typed) throw refused;
      try {
        return await api('/console/control', { ...params, Reason: typed });
      } catch (again) {
        refused = again;
      }
    }
    throw refused;
  }
}

const done = (name, answer) =>
  `${name}: done, ${answer.recordingSid} is ${answer.status}${answer.evidenceLogged === false ? ' (warning: not written to the evidence log)' : ''}`;

async function control(row, button) {
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
  showResult(row, `${name}…`);
  row.busy = true;
  row.el.querySelectorAll('[data-action]').forEach((b) => (b.disabled = true));
  try {
    showResult(row, done(name, await send(row, action, button.dataset.behavior)));
    row.fetchTimelineUntil = Date.now() + EVIDENCE_SETTLE_MS;
  } catch (err) {
    showResult(row, `${name} failed: ${err.code}: ${err.message}`, true);
  }
  row.busy = false;
  if (row.call) updateRow(row);
  poll();
}

/**
 * Resumes every forgotten pause, as the pause rules allow one by one: the toolkit's own and a person's
 * resume at once; a flow's pause needs a reason, asked once for all of them and kept with each call.
 */
async function resumeAllForgotten() {
  const button = $('alerts-resume-all');
  const targets = forgotten().map((call) => {
    let row = rows.get(call.sid);
    if (!row) {
      row = createRow(call.sid);
      row.call = call;
      rows.set(call.sid, row);
      updateRow(row);
    }
    return row;
  });
  if (targets.length === 0) return;
  button.disabled = true;
  const needReason = [];
  let resumed = 0;
  await Promise.all(
    targets.map(async (row) => {
      try {
        showResult(row, done('Resume', await api('/console/control', { ...target(row), Action: 'resume' })));
        resumed++;
      } catch (err) {
        if (err.code === 'REASON_REQUIRED') needReason.push(row);
        else showResult(row, `Resume failed: ${err.code}: ${err.message}`, true);
      }
    }),
  );
  if (needReason.length > 0) {
    const reason = await ask({
      heading: `Resume ${needReason.length === 1 ? 'a flow’s pause' : `${needReason.length} flows’ pauses`}?`,
      message: `${needReason.length === 1 ? 'This call was' : 'These calls were'} paused by a Studio flow (e.g. while a card number was read): ${needReason.map((r) => title(r.call)).join('; ')}. One reason for all, kept in each call's evidence with your name.`,
      confirm: 'Resume all with this reason',
      reason: true,
    });
    await Promise.all(
      needReason.map(async (row) => {
        if (!reason) {
          showResult(row, 'Resume not sent: a flow’s pause needs a reason', true);
          return;
        }
        try {
          showResult(row, done('Resume', await send(row, 'resume', undefined, reason)));
          resumed++;
        } catch (err) {
          showResult(row, `Resume failed: ${err.code}: ${err.message}`, true);
        }
      }),
    );
  }
  $('refreshed').textContent = `Resumed ${resumed} of ${targets.length} forgotten pauses.`;
  button.disabled = false;
  poll();
}

// ---- The timeline ----

async function refreshTimeline(row) {
  if (row.loading || row.selecting) return;
  if (row.evidence && Date.now() > row.fetchTimelineUntil) {
    redraw(row);
    return;
  }
  row.loading = true;
  try {
    row.evidence = await api('/console/evidence', target(row));
    redraw(row);
  } catch (err) {
    // Mid-drag the picture stays; the next poll tries again.
    if (!row.selecting) row.el.querySelector('.timeline').textContent = `Could not load the evidence: ${err.message}`;
  } finally {
    row.loading = false;
  }
}

/** A new picture would drop a drag in progress (its pointer capture and anchor): it waits for the drag's end. */
function redraw(row) {
  if (row.selecting) row.redrawAfterDrag = true;
  else drawTimeline(row);
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
  // Zoomed to a selection, the picture spans it alone, so a pause of a second fills the width.
  const [start, end] = row.zoom ?? [
    Math.min(...segments.map((s) => Date.parse(s.from))),
    Math.max(now, ...segments.map((s) => Date.parse(s.to ?? s.from))),
  ];
  row.el.querySelector('.zoom-out').disabled = !row.zoom;
  row.el.querySelector('.zoom-in').disabled = !row.selection;
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
  const clip = (px) => Math.min(Math.max(px, PAD), width - PAD);
  for (const s of segments) {
    const i = lanes.indexOf(s.recordingSid);
    const [sFrom, sTo] = [Date.parse(s.from), s.state === 'stopped' ? end : s.to ? Date.parse(s.to) : now];
    if (sTo < start || sFrom > end) continue; // outside the zoomed stretch
    const from = clip(x(sFrom));
    const to = clip(x(sTo));
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
      localTime(ms, Boolean(row.zoom)),
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

/** Each card capture Twilio reported on the call, with its verdict by the rule of proof: in the call's details. */
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
  const end = () => {
    anchor = undefined;
    row.selecting = false;
    if (row.redrawAfterDrag) {
      row.redrawAfterDrag = false;
      drawTimeline(row);
    }
  };
  picture.addEventListener('pointercancel', end);
  picture.addEventListener('pointerup', (event) => {
    if (anchor === undefined) return;
    const [a, b] = [anchor, at(event)].sort((p, q) => p - q);
    const selected = b - a >= 3 && [Math.round(msAt(row, a)), Math.round(msAt(row, b))];
    end();
    if (!selected) return;
    row.selection = selected;
    showSelection(row, row.el.querySelector('.timeline rect.selection'));
    row.el.querySelector('.zoom-in').disabled = false;
    const form = row.el.querySelector('.window-check');
    form.elements.from.value = localInput(row.selection[0]);
    form.elements.to.value = localInput(row.selection[1]);
    checkWindow(row);
  });
}

let resizeTimer;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => rows.forEach((row) => row.open && row.evidence && redraw(row)), 150);
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
  const [from, to] = [form.elements.from.value, form.elements.to.value].map(parseLocal);
  if ([from, to].some((d) => Number.isNaN(d.getTime()))) {
    output.textContent =
      'Give both times as YYYY-MM-DD HH:MM:SS.mmm (24-hour, your time zone), or drag across the timeline.';
    return;
  }
  output.textContent = 'Checking…';
  try {
    const answer = await api('/console/evidence', {
      ...target(row),
      From: from.toISOString(),
      To: to.toISOString(),
    });
    const stretch = `${localTime(from.getTime(), true)} to ${localTime(to.getTime(), true)}`; // date, time and ms
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
