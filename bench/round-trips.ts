// Each control beside the one raw request a user would otherwise send, with Twilio's round trips
// simulated by the emulator's latency: what a caller waits for is the requests in sequence.
import type twilio from 'twilio';
import { mapName, STATE_KEY } from '../lib/sync/call-map';
import { newCall } from '../harness/calls';
import { createConsoleIndex, inSequence, servedRequests, setLatency } from '../harness/functions';
import type { RunningEmulator, RunningFunctions } from '../harness/stack';
import { coresApart } from './cores';
import { callback, percentiles, post, round, type Latency } from './measure';

const now = () => performance.timeOrigin + performance.now();

/**
 * Pairs run before the measured ones, as a Function serving calls is warm: a control's first requests
 * load its bundle, and V8 optimizes its code only once it has run it many times (cold starts are measured
 * apart, without latency). With the processes on cores apart, 10 measured a quiet machine's start at
 * 2.57-2.59x one create, 30 at 2.57-2.58x. Even, so that the measured set-status samples still alternate
 * pause and resume from a pause.
 */
export const WARM_UP = 30;

async function measure(
  samples: number,
  control: (i: number) => Promise<unknown>,
  raw: (i: number) => Promise<unknown>,
) {
  const toolkit: number[] = [];
  const direct: number[] = [];
  const windows: Array<[number, number]> = [];
  for (let i = 0; i < WARM_UP + samples; i++) {
    const start = now();
    await control(i);
    const end = now();
    const rawStart = now();
    await raw(i);
    const rawEnd = now();
    if (i < WARM_UP) continue;
    toolkit.push(end - start);
    windows.push([start, end]);
    direct.push(rawEnd - rawStart);
  }
  return { toolkit, direct, windows };
}

/**
 * One row per control: p50s, their ratio, and the Twilio requests in sequence counted by the emulator;
 * measured with the bench (Twilio's side) and the Functions on cores apart when the machine allows it.
 */
export async function roundTrips(em: RunningEmulator, fx: RunningFunctions, latency: Latency, samples: number) {
  const c = em.client;
  // Callbacks of the recordings started here go nowhere, so that their Sync writes do not fall inside a start's window.
  const noCallbacks = { RecordingStatusCallback: 'http://127.0.0.1:9/' };
  const startCalls = await Promise.all(Array.from({ length: WARM_UP + samples }, () => newCall(c)));
  const rawCalls = await Promise.all(Array.from({ length: WARM_UP + samples }, () => newCall(c)));
  const call = await newCall(c);
  const { sid: active } = await c.calls(call.sid).recordings.create();
  await post(fx, '/recording/set-status', { CallSid: call.sid, Status: 'in-progress' });
  const rawCall = await newCall(c);
  const rawRecording = await c.calls(rawCall.sid).recordings.create();
  const doc = (client: twilio.Twilio) =>
    client.sync.v1.services('default').syncMaps(mapName(call.sid)).syncMapItems(STATE_KEY);
  const status = (i: number) => (i % 2 ? 'in-progress' : 'paused');

  // The console's index shards exist once a service has indexed a call in each (16): measured in that steady state.
  await createConsoleIndex(em);
  await setLatency(em, latency);
  const cores = coresApart(fx.process.pid!);
  const rows = [];
  try {
    const controls: Array<[string, string, (i: number) => Promise<unknown>, (i: number) => Promise<unknown>]> = [
      [
        // Alternating: the even samples pause, the odd ones resume; reported apart below.
        '/recording/set-status (no RecordingSid)',
        'update',
        (i) => post(fx, '/recording/set-status', { CallSid: call.sid, Status: status(i) }),
        (i) =>
          c
            .calls(rawCall.sid)
            .recordings(rawRecording.sid)
            .update({ status: status(i) }),
      ],
      [
        '/recording/start',
        'create',
        (i) => post(fx, '/recording/start', { CallSid: startCalls[i].sid, ...noCallbacks }),
        (i) => c.calls(rawCalls[i].sid).recordings.create(),
      ],
      [
        // Twilio's list is read beside Sync's state: one read of the call's recordings is what it costs.
        '/recording/status',
        'list recordings',
        () => post(fx, '/recording/status', { CallSid: call.sid }),
        () => c.calls(call.sid).recordings.list(),
      ],
      [
        '/callbacks/recording-status',
        'Sync fetch + update',
        () => callback(fx, { CallSid: call.sid, RecordingSid: active, RecordingStatus: 'in-progress' }),
        async () => {
          const d = await doc(c).fetch();
          await doc(c).update({ data: d.data, ifMatch: d.revision });
        },
      ],
    ];
    for (const [name, rawName, control, raw] of controls) {
      const m = await measure(samples, control, raw);
      const requests = await servedRequests(em);
      const sequences = m.windows.map((w) => inSequence(requests, w));
      // A pause and a resume differ: a resume logs its intent first (lib/model/proof).
      const parts: Array<[string, (i: number) => boolean]> = name.startsWith('/recording/set-status')
        ? [
            [`${name}, pause`, (i) => i % 2 === 0],
            [`${name}, resume`, (i) => i % 2 === 1],
          ]
        : [[name, () => true]];
      for (const [label, picked] of parts) {
        const t = percentiles(m.toolkit.filter((_, i) => picked(i)));
        const d = percentiles(m.direct.filter((_, i) => picked(i)));
        rows.push({
          control: label,
          p50: t.p50,
          p95: t.p95,
          raw: rawName,
          rawP50: d.p50,
          ratio: round(t.p50 / d.p50),
          // The most common count, so one call's stray callback write does not speak for all.
          requestsInSequence: mode(sequences.filter((_, i) => picked(i))),
        });
      }
    }
  } finally {
    cores.restore();
    await setLatency(em, { voice: 0, sync: 0 });
  }
  return { coresApart: cores.pinned, rows };
}

function mode(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
}
