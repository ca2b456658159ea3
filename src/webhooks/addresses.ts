import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { badUserInput } from '../common/errors';

/** Longest webhook URL accepted. */
export const MAX_URL_LENGTH = 2048;

/**
 * A webhook URL as stored: http or https, no credentials in it (they would be
 * shown to every key that lists webhooks), at most 2,048 characters.
 */
export function parseWebhookUrl(raw: string, path = 'url'): URL {
  const text = raw.trim();
  if (text.length === 0 || text.length > MAX_URL_LENGTH)
    throw badUserInput(`a webhook URL has 1 to ${MAX_URL_LENGTH} characters`, path);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badUserInput('not a valid URL', path);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw badUserInput('a webhook URL must be http or https', path);
  if (url.username || url.password)
    throw badUserInput('a webhook URL must not carry a user name or password', path);
  return url;
}

function ipv4Octets(address: string): number[] {
  return address.split('.').map(Number);
}

/**
 * Addresses a request from the service must not reach in production: this
 * host (loopback, "this network"), the private networks behind it
 * (RFC 1918, carrier-grade NAT, unique local IPv6), link-local ones (cloud
 * metadata services live at 169.254.169.254), multicast and reserved ranges.
 */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) {
    const [a, b] = ipv4Octets(address);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 192 && b === 0 && ipv4Octets(address)[2] === 0) ||
      (a === 198 && (b === 18 || b === 19)) ||
      a >= 224
    );
  }
  if (family === 6) {
    const lower = address.toLowerCase();
    // IPv4 written as IPv6 (::ffff:10.0.0.1, NAT64 64:ff9b::10.0.0.1) reaches the IPv4 address.
    const embedded = /^(?:::ffff:|64:ff9b::|::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    if (embedded) return isPrivateAddress(embedded[1]);
    const mapped = /^(?:::ffff:|64:ff9b::|::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
    if (mapped) {
      const high = parseInt(mapped[1], 16);
      const low = parseInt(mapped[2], 16);
      return isPrivateAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
    }
    if (lower === '::' || lower === '::1') return true;
    const first = parseInt(lower.split(':')[0] || '0', 16);
    return (
      (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
      (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
      (first & 0xff00) === 0xff00 // multicast ff00::/8
    );
  }
  return false;
}

/** The host of a URL as an address when it is one (IPv6 without its brackets), else null. */
export function literalAddress(url: URL): string | null {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) ? host : null;
}

export class RefusedAddressError extends Error {}

/** Every address a host name resolves to. */
export function resolveAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );
}

/**
 * Refuses a URL whose host is, or resolves to, a private address. At creation
 * a name that does not resolve (yet) is accepted: each delivery checks again
 * (see guardedLookup), since a name's addresses may change after it was saved.
 */
export async function refusePrivateHost(url: URL, path = 'url'): Promise<void> {
  const refusal = badUserInput(
    'a webhook URL must not reach a loopback, private or link-local address (an operator may allow them: WEBHOOK_PRIVATE_ADDRESSES=on)',
    path,
  );
  const literal = literalAddress(url);
  if (literal !== null) {
    if (isPrivateAddress(literal)) throw refusal;
    return;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await resolveAll(url.hostname);
  } catch {
    return;
  }
  if (addresses.some((entry) => isPrivateAddress(entry.address))) throw refusal;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request that resolves the name once, refuses it when
 * any of its addresses is private, and connects to the addresses it checked:
 * the connection goes where the check looked, so a name that resolves to a
 * public address for the check and a private one for the connection (DNS
 * rebinding) cannot slip through.
 */
export function guardedLookup(hostname: string, options: { all?: boolean }, callback: LookupCallback): void {
  resolveAll(hostname).then(
    (addresses) => {
      const refused = addresses.find((entry) => isPrivateAddress(entry.address));
      if (refused || addresses.length === 0) {
        callback(new RefusedAddressError(`${hostname} resolves to a refused address`), '', 4);
        return;
      }
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    },
    (error: NodeJS.ErrnoException) => callback(error, '', 4),
  );
}
