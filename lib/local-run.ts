import { networkInterfaces } from 'node:os';

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

/** The IPv4 address an IPv4-mapped IPv6 address (::ffff:7f00:1, ::ffff:127.0.0.1) stands for, if it is one. */
function mappedIpv4(bare: string): string | undefined {
  const dotted = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(bare);
  if (dotted) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(bare);
  if (!hex) return undefined;
  const [a, b] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
  return [a >> 8, a & 255, b >> 8, b & 255].join('.');
}

/**
 * A host that is this machine, as a deployed service must never be told to call: loopback, the
 * unspecified address (0.0.0.0, ::, which reach this machine when dialled), names under .localhost,
 * IPv4-mapped forms of those, and every address of this machine's network interfaces.
 */
export function isThisMachineHost(host: string, interfaces = networkInterfaces()): boolean {
  const bare = host
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
  const v4 = mappedIpv4(bare) ?? bare;
  if (isLoopbackHost(v4) || v4.endsWith('.localhost')) return true;
  if (v4 === '0.0.0.0' || /^0(\.\d{1,3}){3}$/.test(v4) || bare === '::' || /^(0{1,4}:){7}0{1,4}$/.test(bare))
    return true;
  if (/^(0{1,4}:){7}0{0,3}1$/.test(bare)) return true; // ::1 written out
  const own = Object.values(interfaces)
    .flat()
    .map((i) => i?.address.toLowerCase().replace(/%.*$/, ''));
  return own.includes(v4) || own.includes(bare);
}

/** An http(s) URL whose host is this machine (see isThisMachineHost). */
export function isThisMachineUrl(value: string, interfaces = networkInterfaces()): boolean {
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && isThisMachineHost(url.hostname, interfaces);
  } catch {
    return false;
  }
}
