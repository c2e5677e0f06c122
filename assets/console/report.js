// The capture report of a period (POST /console/report), for a PCI assessor: a summary, the exceptions
// with their reasons, and every capture, printable. Signed in on the console's page (its token, this tab).
'use strict';

const $ = (id) => document.getElementById(id);
const token = sessionStorage.getItem('console-token');
const VERDICT_TEXT = {
  'inside-proven-pause': 'inside a proven pause',
  'not-recorded': 'not recorded',
  exception: 'exception',
  unknown: 'unknown',
};

/** The browser's local time of an ISO instant, to the second, with its date. */
const local = (iso) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium', hourCycle: 'h23' });
/** A datetime-local value (the browser's time) as an ISO instant. */
const instant = (value) => new Date(value).toISOString();
const inputValue = (ms) => new Date(ms - new Date(ms).getTimezoneOffset() * 60000).toISOString().slice(0, 19);

async function report(format) {
  const res = await fetch('/console/report', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ Token: token, From: instant($('from').value), To: instant($('to').value), Format: format }),
  });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new Error(`${body.error?.code ?? res.status}: ${body.error?.message ?? res.statusText}`);
  }
  return format === 'csv' ? res.blob() : res.json();
}

function cells(tr, values) {
  for (const v of values) {
    const td = document.createElement('td');
    if (typeof v === 'object' && v !== null) td.append(v);
    else td.textContent = v ?? '';
    tr.append(td);
  }
  return tr;
}

function verdictEl(verdict) {
  const strong = document.createElement('strong');
  strong.className = verdict;
  strong.textContent = VERDICT_TEXT[verdict] ?? verdict;
  return strong;
}

function show(r) {
  $('period-text').textContent = `From ${local(r.from)} to ${local(r.to)} (UTC ${r.from} to ${r.to}).`;
  const summary = [
    ['Calls with a card capture', r.calls],
    ['Captures', r.captures],
    ['Inside a proven pause', r.covered],
    ['Not recorded', r.notRecorded],
    ['Exceptions', r.exceptions],
    ['Unknown', r.unknown],
    ...(r.unread ? [['Calls not read (ask for a shorter period)', r.unread]] : []),
  ];
  $('summary').replaceChildren(
    ...summary.flatMap(([k, v]) => [
      Object.assign(document.createElement('dt'), { textContent: k }),
      Object.assign(document.createElement('dd'), { textContent: String(v) }),
    ]),
  );
  const exceptions = r.rows.filter((c) => c.verdict === 'exception' || c.verdict === 'unknown');
  $('no-exceptions').hidden = exceptions.length > 0;
  $('exceptions').hidden = exceptions.length === 0;
  $('exceptions').tBodies[0].replaceChildren(
    ...exceptions.map((c) =>
      cells(document.createElement('tr'), [
        c.callSid,
        local(c.from),
        local(c.to),
        c.result,
        verdictEl(c.verdict),
        c.why,
      ]),
    ),
  );
  $('rows').tBodies[0].replaceChildren(
    ...r.rows.map((c) =>
      cells(document.createElement('tr'), [
        c.callSid,
        local(c.from),
        local(c.to),
        c.result,
        c.stages.map((s) => s.for).join(', '),
        verdictEl(c.verdict),
      ]),
    ),
  );
  $('report').hidden = false;
}

if (!token) {
  $('error').textContent = 'Sign in on the console first: this page uses its sign-in.';
} else {
  const now = Date.now();
  $('to').value = inputValue(now);
  $('from').value = inputValue(now - 24 * 60 * 60 * 1000);
}

$('period').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('error').textContent = '';
  try {
    show(await report('json'));
  } catch (err) {
    $('error').textContent = `The report could not be made: ${err.message}`;
  }
});
$('csv').addEventListener('click', async () => {
  try {
    const blob = await report('csv');
    const a = Object.assign(document.createElement('a'), {
      href: URL.createObjectURL(blob),
      download: `captures-${instant($('from').value)}.csv`,
    });
    a.click();
    URL.revokeObjectURL(a.href);
  } catch (err) {
    $('error').textContent = `The CSV could not be made: ${err.message}`;
  }
});
$('print').addEventListener('click', () => window.print());
