import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';

/**
 * Where Twilio's hosts are answered instead: one base URL for all of them (the emulator serves
 * Voice and Sync side by side), or one per host name prefix such as `api` or `sync`.
 */
export type BaseUrls = string | Record<string, string>;

/**
 * Twilio's own request client, sending to another base URL. Subclassing keeps the library's
 * wire format exactly (auth, form encoding, arrays as repeated keys, If-Match), which is the
 * point of an emulator; only the scheme and host of each request change.
 */
export class BaseUrlRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrls: BaseUrls,
    options?: RequestClient.RequestClientOptions,
  ) {
    super(options);
  }

  override request<T>(opts: RequestClient.RequestOptions<T>) {
    return super.request<T>({ ...opts, uri: rewriteUri(opts.uri, this.baseUrls) });
  }
}

export function rewriteUri(uri: string, baseUrls: BaseUrls): string {
  const url = new URL(uri);
  const prefix = url.hostname.split('.')[0];
  const base = typeof baseUrls === 'string' ? baseUrls : baseUrls[prefix];
  if (!base) throw new Error(`No base URL for ${url.hostname}`);
  return base.replace(/\/$/, '') + url.pathname + url.search;
}
