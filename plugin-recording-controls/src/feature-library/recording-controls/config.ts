/**
 * What the plugin needs set, at build time in the plugin's `.env` (Flex's plugin scripts put
 * FLEX_APP_* variables into the bundle): the Functions' domain, and how the button pauses.
 */
export const functionsUrl = (): string => (process.env.FLEX_APP_RECORDING_FUNCTIONS_URL ?? '').replace(/\/+$/, '');

/** `call` (default): the customer's call, as a flow using the toolkit records it; `conference`: Flex's own recording of the task's conference. */
export const recordTarget = (): 'call' | 'conference' =>
  process.env.FLEX_APP_RECORDING_TARGET === 'conference' ? 'conference' : 'call';

/** How long an agent's own pause lasts before the reminder, as the Functions' PAUSE_ALERT_SECONDS (180 s by default). */
export const pauseAlertSeconds = (): number => {
  const seconds = Number(process.env.FLEX_APP_PAUSE_ALERT_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 180;
};

export const pauseBehavior = (): 'skip' | 'silence' =>
  process.env.FLEX_APP_PAUSE_BEHAVIOR === 'silence' ? 'silence' : 'skip';

/**
 * How often the button reads its call's recording state (/agent/status: one Twilio list and two Sync
 * reads of that call's Map each time), 10 s by default; 0 reads only after a refused control.
 */
export const statusPollMs = (): number => {
  const raw = process.env.FLEX_APP_STATUS_POLL_SECONDS;
  const seconds = raw === undefined || raw === '' ? 10 : Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 10_000;
};
