import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { guardedLookup, isPrivateAddress, literalAddress, RefusedAddressError } from './addresses';

/** What one HTTP attempt gave. */
export interface SendOutcome {
  ok: boolean;
  /** The receiver's status; null when none came. */
  httpStatus: number | null;
  latencyMs: number;
  /** Why it failed, one line; null on success. */
  error: string | null;
  /** Stopped because the service is shutting down: not an outcome to record. */
  aborted: boolean;
}

export interface SendRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivateAddresses: boolean;
  signal?: AbortSignal;
}

/** A function that posts one delivery; tests may put a fake in its place. */
export type Sender = (request: SendRequest) => Promise<SendOutcome>;

/** Receivers' answers are read up to this much, then dropped: only the status matters. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs a delivery. A 2xx is a success; anything else (redirects included:
 * they are not followed, a receiver names its final URL) is a failure. The
 * whole exchange, connection included, must finish within the timeout.
 * Without `allowPrivateAddresses`, the address connected to is checked after
 * resolution, on every attempt.
 */
export function postDelivery(send: SendRequest): Promise<SendOutcome> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  const url = new URL(send.url);
  const literal = literalAddress(url);
  // A URL naming an address connects without a lookup: it is checked here instead.
  if (!send.allowPrivateAddresses && literal !== null && isPrivateAddress(literal))
    return Promise.resolve({
      ok: false,
      httpStatus: null,
      latencyMs: 0,
      error: 'refused: the URL names a loopback, private or link-local address',
      aborted: false,
    });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<SendOutcome, 'latencyMs' | 'aborted'>, aborted = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      send.signal?.removeEventListener('abort', onAbort);
      resolve({ ...outcome, latencyMs: latency(), aborted });
    };
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(send.body)),
        'user-agent': 'segments-webhooks/1',
        ...send.headers,
      },
      ...(send.allowPrivateAddresses ? {} : { lookup: guardedLookup as never }),
    });
    const onAbort = () => {
      request.destroy();
      finish({ ok: false, httpStatus: null, error: 'stopped: the service is shutting down' }, true);
    };
    const timer = setTimeout(() => {
      request.destroy();
      finish({ ok: false, httpStatus: null, error: `no answer within ${send.timeoutMs} ms` });
    }, send.timeoutMs);
    send.signal?.addEventListener('abort', onAbort);
    request.on('response', (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_RESPONSE_BYTES) response.destroy();
      });
      const done = () =>
        finish(
          status >= 200 && status < 300
            ? { ok: true, httpStatus: status, error: null }
            : { ok: false, httpStatus: status, error: `the receiver answered HTTP ${status}` },
        );
      response.on('end', done);
      response.on('close', done);
      response.on('error', done);
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error instanceof RefusedAddressError
          ? `refused: ${error.message}`
          : `${error.code ?? 'request failed'}: ${error.message}`.slice(0, 280);
      finish({ ok: false, httpStatus: null, error: reason });
    });
    request.end(send.body);
  });
}
