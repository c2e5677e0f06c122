import type { Router } from 'express';

/**
 * What the control surface may change about the account's behaviour; reset restores these defaults.
 * `limits` are Twilio's account rules the emulator can be made to enforce, `settings` its simulated world.
 */
export interface Settings {
  /** How long an API-created call rings before the callee answers. */
  answerDelayMs: number;
  /** Account-wide cap on Twilio API requests in flight at once (0: none): beyond it, 429 with 20429. */
  concurrentRequests: number;
  /** Twilio does not document what Twilio.CURRENT answers when nothing is recording; both answers are seen. */
  currentWithNoActiveRecording: '404' | '21220';
  /** Sync's per-document write rate (0: none), about 20/s on Twilio and far fewer for large documents. */
  syncDocumentWritesPerSecond: number;
  /**
   * Kept audio below which a recording ends `absent` (16101) (0: none). Twilio's minimum is not
   * published, and emulated calls speak in no time, so it applies only when set.
   */
  minRecordingMs: number;
  /** How long a stopped recording stays `processing` before it is `completed` (or `absent`). */
  recordingProcessingMs: number;
}

export const DEFAULT_SETTINGS: Settings = {
  answerDelayMs: 200,
  concurrentRequests: 0,
  currentWithNoActiveRecording: '404',
  syncDocumentWritesPerSecond: 0,
  minRecordingMs: 0,
  recordingProcessingMs: 200,
};

type Check = (value: unknown) => string | undefined;
const count: Check = (v) =>
  Number.isInteger(v) && (v as number) >= 0 ? undefined : 'must be a whole number, 0 or more';
const CHECKS: Record<keyof Settings, Check> = {
  answerDelayMs: count,
  concurrentRequests: count,
  currentWithNoActiveRecording: (v) => (v === '404' || v === '21220' ? undefined : "must be '404' or '21220'"),
  syncDocumentWritesPerSecond: count,
  minRecordingMs: count,
  recordingProcessingMs: count,
};

/**
 * POST /limits and POST /settings: each takes only its own keys and answers what is now in force;
 * an unknown key or a bad value is refused with 400 and nothing changes.
 */
export function settingsRoutes(control: Router, settings: Settings): void {
  const route = (path: string, keys: Array<keyof Settings>) =>
    control.post(path, (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      for (const [key, value] of Object.entries(body)) {
        const problem = (keys as string[]).includes(key)
          ? CHECKS[key as keyof Settings](value)
          : `is not one of ${keys.join(', ')}`;
        if (problem) {
          res.status(400).json({ error: { code: 'INVALID_SETTING', message: `${key} ${problem}` } });
          return;
        }
      }
      Object.assign(settings, body);
      res.json(Object.fromEntries(keys.map((k) => [k, settings[k]])));
    });
  route('/limits', [
    'concurrentRequests',
    'currentWithNoActiveRecording',
    'syncDocumentWritesPerSecond',
    'minRecordingMs',
  ]);
  route('/settings', ['answerDelayMs', 'recordingProcessingMs']);
}
