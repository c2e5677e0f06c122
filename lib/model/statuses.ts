// The words of the model, shared by the recording document and the evidence.

/** A recording's statuses as the toolkit keeps them: Twilio's, with `processing` kept as `stopped`. */
export type RecordingStatus = 'in-progress' | 'paused' | 'stopped' | 'completed' | 'absent' | 'failed';

/** How Twilio pauses a recording: leaves the paused time out (skip), or keeps it as silence. */
export const PAUSE_BEHAVIORS = ['skip', 'silence'] as const;
export type PauseBehavior = (typeof PAUSE_BEHAVIORS)[number];

/**
 * How long after it was sent a request that got no answer (a timeout, a lost connection, a killed
 * instance) may still take effect on Twilio: an assumption, beyond Twilio's own 10 s limit on a Function.
 */
export const LATEST_EFFECT_MS = 15_000;

/**
 * How far apart any two of the clocks that time the evidence and the Sync state may be: each Function
 * instance's, and Twilio's. Why 50 ms: docs/evidence.md (the rule of proof).
 */
export const CLOCK_SKEW_MARGIN_MS = 50;
