import type { PauseBehavior } from './statuses';

/**
 * The evidence of one call or conference: every recording change in the order it was logged
 * (sync/evidence-log keeps them). model/proof reads it for auditors, model/segments for people.
 */

/** One change of one recording, as the evidence log keeps it. */
export interface EvidenceEntry {
  /** Tells a retried append (Twilio may have stored the first attempt) from a new change. */
  id: string;
  /** UTC, ISO 8601: when Twilio answered the control or the read-back, when the callback came, or when the intent was logged. */
  at: string;
  /** A control's or read-back's: when its request to Twilio was sent. The change took effect between `sentAt` and `at`. */
  sentAt?: string;
  /** RE…; an intent's may be Twilio.CURRENT (the call's one active recording), * (all, or a new one). */
  recordingSid: string;
  /**
   * What the recording became: in-progress, paused, stopped, or from Twilio's callbacks completed, absent,
   * failed. A control's outcome may also be `refused` (Twilio answered and did nothing) or `unknown` (no
   * answer: it may take effect later, see model/proof). A person's attempt to lift a pause (a resume
   * or a stop) is logged `refused`, or `override` when allowed with a reason.
   */
  status: string;
  /** What was asked for, e.g. start, paused (skip); absent for callbacks. */
  action?: string;
  pauseBehavior?: PauseBehavior;
  /** Who asked: studio:FW…/FN…, twiml, http, agent:<identity>, console:<user>, or twilio for callbacks. */
  by: string;
  /**
   * control: a control's answer; callback: Twilio's recording status callback; intent: logged before a
   * request that may lift a pause was sent; read-back: what Twilio said when the toolkit read it again;
   * capture: a stage or the result of a card capture (model/captures), of no recording.
   */
  source: 'control' | 'callback' | 'intent' | 'read-back' | 'capture';
  /** Ties a control's intent to its outcome. */
  control?: string;
  /** A callback's RecordingStartTime: the recording existed from then, and not before. */
  startTime?: string;
  /** Which machine's clock read its times (twilio/voice), to compare them on that machine without the skew margin. */
  clock?: string;
  /** An override's or a refusal's, and a person's control's: the reason given; the first two, who had paused. */
  reason?: string;
  pausedBy?: string;
  /** A refusal's or an override's: how the person named what they acted on (RecordingSid=…, All=true). */
  how?: string;
  /** A capture's: <Pay>'s Attempt and ErrorType for a stage (never card data). */
  attempt?: number;
  errorType?: string;
}

export type NewEvidence = Omit<EvidenceEntry, 'id'>;

/**
 * recorded, paused, stopped: what Twilio confirmed; uncertain: between a control's send and its answer,
 * or after an answer that never came, Twilio may or may not have acted.
 */
export type SegmentState = 'recorded' | 'paused' | 'stopped' | 'uncertain';

/** A stretch of wall-clock time during which one recording was in one state; `to` null: still so. */
export interface Segment {
  recordingSid: string;
  state: SegmentState;
  from: string;
  to: string | null;
  pauseBehavior?: PauseBehavior;
  /** Who caused the change that began this segment, and whether a control or Twilio's callback reported it. */
  by: string;
  source: EvidenceEntry['source'];
  /** The reason a supervisor gave for the change that began this segment (an override). */
  reason?: string;
  /**
   * A paused stretch the rule of proof (model/proof) does not cover: Twilio may have recorded part of it.
   * Only where something went wrong; `why` says what.
   */
  unproven?: true;
  /** An unproven or uncertain stretch's cause, in words. */
  why?: string;
}
