import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * How a delivery proves it comes from this service (README, "Reacting to
 * segment changes"): `Segments-Signature: t=<unix seconds>,v1=<hex>` where
 * the hex is HMAC-SHA256, keyed with the webhook's secret, of
 * `<t>.<raw body>`. Signing the timestamp with the body lets a receiver refuse
 * a replayed request that is older than it tolerates.
 */
export const SIGNATURE_HEADER = 'segments-signature';
/** The delivery's id, also in the body: the same on every attempt of one delivery. */
export const DELIVERY_ID_HEADER = 'segments-delivery-id';

/** `whsec_` and 32 random bytes: a key as long as the HMAC's output. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function signatureOf(secret: string, timestampSeconds: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex');
}

export function signatureHeader(secret: string, timestampSeconds: number, body: string): string {
  return `t=${timestampSeconds},v1=${signatureOf(secret, timestampSeconds, body)}`;
}

/**
 * What a receiver does, in this code's terms (tests use it as the receiver's
 * check): the header's signature matches the body and its timestamp is within
 * `toleranceSeconds` of `nowSeconds`.
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = new Map(
    (header ?? '').split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureOf(secret, timestamp, body), 'hex');
  const actual = Buffer.from(given, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
