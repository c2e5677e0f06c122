import esMX from './es-mx.json';

/**
 * Every string the plugin shows, by Flex template key. Flex's own localization (manager.strings) may
 * replace any of them; `{{name}}` is filled in as Flex's templates do.
 */
export const enUS = {
  RCPauseRecording: 'Pause recording',
  RCResumeRecording: 'Resume recording',
  RCTryResume: 'Try to resume',
  RCWorking: 'Working…',
  RCStateIdle: 'Recording controls ready',
  RCStateRecording: 'Recording',
  RCStatePausedByYou: 'Paused by you',
  RCStateLockedFlow: 'Paused by the payment flow: only a supervisor can resume',
  RCStateLockedOther: 'Paused by someone else: only they or a supervisor can resume',
  RCStateNotRecordingNow: 'Not recording now',
  RCPausedByName: 'Paused by {{name}}',
  RCStateUnknown: 'Recording state unknown',
  RCStateUnknownDetail: 'The recording Functions could not be reached; the recording may or may not be paused.',
  RCStateError: 'Could not {{asked}} the recording: {{code}}',
  RCForgotten: 'Recording paused for {{duration}}: resume it once the card details are taken.',
  RCForgottenNotice: 'Recording is still paused on one of your calls: resume it once the card details are taken.',
  RCSeconds: '{{count}} s',
  RCMinutes: '{{count}} min',
  RCAskedPause: 'pause',
  RCAskedResume: 'resume',
  RCNoTarget: 'This task names no call or conference to record',
  RCShortcutToggle: 'Pause or resume call recording',
  RCShortcutPause: 'Pause call recording',
  RCShortcutResume: 'Resume call recording',
  RCNotConfigured: 'Recording controls are not set up: FLEX_APP_RECORDING_FUNCTIONS_URL is empty',
  RCViewTitle: 'Recordings',
  RCViewSigningIn: 'Signing in with your Flex session…',
  RCViewRefused: 'The recording console refused your Flex sign-in: {{code}}: {{message}}',
  RCViewCalls: '{{count}} calls',
  RCViewNoCalls: 'No live calls or conferences are tracked.',
  RCColCall: 'Call',
  RCColState: 'Recording',
  RCColAgents: 'Agents',
  RCColLastChange: 'Last change',
  RCColActions: 'Actions',
  RCStatePaused: 'Paused',
  RCStatePausedTooLong: 'Paused too long',
  RCStateNotRecording: 'Not recording',
  RCPausedFor: 'paused {{duration}}',
  RCByFlow: 'flow {{name}}',
  RCReasonLabel: 'Reason to lift the pause (kept in the evidence with your name)',
  RCReasonSubmit: 'Resume with this reason',
  RCCancel: 'Cancel',
  RCTeamsColumn: 'Recording',
  RCTeamsNone: 'No call',
};

export type StringKey = keyof typeof enUS;

export const strings: Record<string, Partial<Record<StringKey, string>>> = { 'en-US': enUS, 'es-MX': esMX };

/** Where strings are read: Flex's manager.strings once the plugin runs in Flex, the defaults elsewhere. */
let source: (key: StringKey) => string | undefined = () => undefined;
export const setStringSource = (lookup: (key: StringKey) => string | undefined) => {
  source = lookup;
};

export function t(key: StringKey, values: Record<string, string | number> = {}): string {
  const template = source(key) ?? enUS[key];
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => String(values[name] ?? ''));
}

/** A pause's length as people read it: seconds under a minute, then whole minutes. */
export const duration = (seconds: number): string =>
  seconds < 60 ? t('RCSeconds', { count: Math.floor(seconds) }) : t('RCMinutes', { count: Math.floor(seconds / 60) });
