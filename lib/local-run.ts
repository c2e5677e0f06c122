// What a run on this machine may use and a deployment must not: the emulator's address and its
// placeholder credentials. Shared by the Functions and the start and deploy scripts.

/** The emulator's own credentials, as in .env.example: they work against the emulator and nowhere else. */
export const PLACEHOLDER_ACCOUNT_SID = 'AC00000000000000000000000000000000';
export const PLACEHOLDER_AUTH_TOKEN = 'emulator-auth-token-placeholder0';

export const hasPlaceholderCredentials = (env: { ACCOUNT_SID?: string; AUTH_TOKEN?: string }) =>
  env.ACCOUNT_SID === PLACEHOLDER_ACCOUNT_SID || env.AUTH_TOKEN === PLACEHOLDER_AUTH_TOKEN;

/** A host of this machine alone: localhost, 127.x.x.x or ::1. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** An http(s) URL whose host is this machine alone. */
export function isLoopbackUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}
