import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** One request a receiver got, with the receiver's own verdict on its signature. */
export interface Received {
  deliveryId: string;
  headerDeliveryId: string | undefined;
  type: string;
  changes: Array<{ id: string; segmentId: string; customerId: string; kind: string; at: string }>;
  /** Checked as README's receiver snippet does, with node:crypto here, not the service's code. */
  signatureValid: boolean;
  answered: number;
}

export type ReceiverMode = 'ok' | 'fail' | 'hang';

export interface TestReceiver {
  url: string;
  port: number;
  received: Received[];
  /** `ok`: 204; `fail`: 500; `hang`: holds each request until `release()`. */
  mode: ReceiverMode;
  secret: string;
  /** Secrets by webhook id (the body's webhookId), for a receiver serving several webhooks; `secret` otherwise. */
  secrets: Map<string, string>;
  /** The receiver's clock, for the signature's age (tests with a moved clock give theirs). */
  clock: () => number;
  /** Answers every held request with 204. */
  release(): void;
  /** Resolves when the receiver got at least n requests. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** What a receiver does (README, "Reacting to segment changes"), written apart from the service's signing code. */
export function receiverVerifies(
  secret: string,
  header: string | undefined,
  body: string,
  nowMs: number,
): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  if (Math.abs(nowMs / 1000 - Number(match[1])) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2], 'hex'));
}

export async function startReceiver(port = 0, secrets = new Map<string, string>()): Promise<TestReceiver> {
  const held: ServerResponse[] = [];
  const waiters: Array<() => void> = [];
  const receiver: TestReceiver = {
    url: '',
    port: 0,
    received: [],
    mode: 'ok',
    secret: '',
    secrets,
    clock: Date.now,
    release: () => {
      for (const response of held.splice(0)) response.writeHead(204).end();
    },
    waitFor: (n, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          if (receiver.received.length >= n) return resolve();
          if (Date.now() - started > timeoutMs)
            return reject(new Error(`the receiver got ${receiver.received.length} of ${n} requests`));
          waiters.push(check);
          setTimeout(() => {
            const at = waiters.indexOf(check);
            if (at >= 0) waiters.splice(at, 1)[0]();
          }, 50);
        };
        check();
      }),
    close: () =>
      new Promise((resolve) => {
        receiver.release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const parsed = JSON.parse(body);
      const answered = receiver.mode === 'fail' ? 500 : 204;
      receiver.received.push({
        deliveryId: parsed.deliveryId,
        headerDeliveryId: request.headers['segments-delivery-id'] as string | undefined,
        type: parsed.type,
        changes: parsed.changes,
        signatureValid: receiverVerifies(
          receiver.secrets.get(parsed.webhookId) ?? receiver.secret,
          request.headers['segments-signature'] as string | undefined,
          body,
          receiver.clock(),
        ),
        answered,
      });
      for (const waiter of waiters.splice(0)) waiter();
      if (receiver.mode === 'hang') held.push(response);
      else response.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  receiver.port = typeof address === 'object' && address ? address.port : port;
  receiver.url = `http://127.0.0.1:${receiver.port}/hook`;
  return receiver;
}
