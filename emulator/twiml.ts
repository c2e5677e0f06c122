/** The little TwiML the emulator acts on: joining a conference, with its recording attributes. */
export interface ConferenceJoin {
  name: string;
  record: boolean;
  recordingStatusCallback?: string;
  recordingStatusCallbackMethod?: string;
  recordingStatusCallbackEvent?: string[];
}

const unescape = (s: string) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

function attributes(source: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const [, name, dq, sq] of source.matchAll(/([A-Za-z]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[name] = unescape(dq ?? sq);
  return attrs;
}

/** Finds `<Dial><Conference ...>name</Conference></Dial>` in a call's TwiML; anything else just keeps the call up. */
export function parseConferenceJoin(twiml: string): ConferenceJoin | undefined {
  const match = /<Dial\b[^>]*>[\s\S]*?<Conference\b([^>]*)>([^<]*)<\/Conference>/.exec(twiml);
  if (!match) return undefined;
  const attrs = attributes(match[1]);
  return {
    name: unescape(match[2].trim()),
    record: attrs.record === 'record-from-start',
    recordingStatusCallback: attrs.recordingStatusCallback,
    recordingStatusCallbackMethod: attrs.recordingStatusCallbackMethod,
    recordingStatusCallbackEvent: attrs.recordingStatusCallbackEvent?.split(/\s+/).filter(Boolean),
  };
}
