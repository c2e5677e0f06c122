// Which of Twilio's answers the HTTP client retries, and after how long: the rule alone, no process.
import { retryDecision } from '../../../lib/twilio/http-client';

describe('retryDecision', () => {
  const api = 'https://api.twilio.com/2010-04-01/Accounts/AC1/Calls/CA00000000000000000000000000000000';
  const recording = `${api}/Recordings/RE00000000000000000000000000000000.json`;
  test('429 and 16114: always, after Retry-After; a change of a recording only past its fence', () => {
    expect(retryDecision('POST', `${api}/Recordings.json`, { status: 429, retryAfter: '2' })).toEqual({
      retry: true,
      minDelayMs: 2000,
      fenced: false,
    });
    expect(
      retryDecision('POST', `${api}/Recordings/Twilio.CURRENT.json`, { status: 409, body: { code: 16114 } }),
    ).toEqual({ retry: true, minDelayMs: 0, fenced: true });
    expect(retryDecision('POST', recording, { status: 429, retryAfter: '1' })).toEqual({
      retry: true,
      minDelayMs: 1000,
      fenced: true,
    });
  });
  test('5xx and lost connections: only what is safe to repeat, never a change of a recording', () => {
    expect(retryDecision('GET', `${api}/Recordings.json`, { status: 503 })).toMatchObject({ retry: true });
    expect(retryDecision('GET', recording, 'network-error')).toMatchObject({ retry: true });
    expect(
      retryDecision('POST', 'https://sync.twilio.com/v1/Services/default/Documents/x', { status: 500 }),
    ).toMatchObject({ retry: true });
    // Twilio may have paused or resumed it before failing: the control reads it back instead.
    expect(retryDecision('POST', recording, 'network-error')).toEqual({ retry: false });
    expect(retryDecision('POST', recording, { status: 500 })).toEqual({ retry: false });
    expect(retryDecision('POST', `${api}/Recordings.json`, { status: 500 })).toEqual({ retry: false });
    expect(retryDecision('POST', 'https://sync.twilio.com/v1/Services/default/Documents', 'network-error')).toEqual({
      retry: false,
    });
    // A Map item's creation (a start claim) is not sent twice blindly; its update is.
    expect(retryDecision('POST', 'https://sync.twilio.com/v1/Services/default/Maps/m/Items', { status: 500 })).toEqual({
      retry: false,
    });
    expect(
      retryDecision('POST', 'https://sync.twilio.com/v1/Services/default/Maps/m/Items/state', { status: 500 }),
    ).toMatchObject({ retry: true });
  });
  test('other 4xx: never', () => {
    for (const status of [400, 401, 404, 409, 412])
      expect(retryDecision('GET', `${api}.json`, { status })).toEqual({ retry: false });
  });
});
