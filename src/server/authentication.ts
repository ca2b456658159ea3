import type { RequestHandler, Response } from 'express';
import type { Knex } from '@mikro-orm/knex';
import type { Database } from '../orm/database';
import { authenticate } from '../auth/api-keys.service';
import { OPEN_DEMO_CALLER, type Caller } from '../common/scopes';
import { ErrorCode } from '../common/errors';
import type { Settings } from '../common/config';
import type { Logger } from './errors';
import { replyError } from './http-status';
import { RateLimiter, type CallerLimiter } from './rate-limit';
import { SharedRateLimiter } from './shared-rate-limit';
import { dialectName } from '../db/dialect-name';

declare module 'express-serve-static-core' {
  interface Request {
    /** Who is calling: set by the authentication middleware; null when no key was sent and keys are required. */
    caller?: Caller | null;
  }
}

/**
 * Reads `Authorization: Bearer <key>`. A key that is sent must be valid
 * (401 otherwise, whatever the mode); without one, the open local demo grants
 * every scope and keys mode leaves the caller unknown (each field then answers
 * UNAUTHENTICATED). Then the caller's rate limit: 429 RATE_LIMITED with
 * Retry-After when the bucket is empty.
 *
 * A key is counted against its own bucket, but a key that turns out unknown
 * has cost a lookup before anyone knew: requests without a valid key (none
 * sent, or an unknown one) share their client address's bucket, and once it
 * is empty a key from that address is refused before it is looked up.
 *
 * Keys are not cached: each request reads its key's row (one indexed look-up), so a key
 * revoked through any instance is refused by every instance on its next request.
 */
export function authenticationMiddleware(
  db: Database,
  settings: Settings,
  logger: Logger,
  limiter: CallerLimiter | null = defaultLimiter(db.fork().getKnex(), settings, logger),
): RequestHandler {
  // Keys are looked up on a read connection, so a request does not queue behind a write before it even starts;
  // the rare note of a key's last use is written through the writer.
  const read = db.forkReader().getKnex();
  const write = db.fork().getKnex();
  const perMinute = settings.limits.requestsPerMinute;
  const refuse = (res: Response, decision: { retryAfterSeconds: number }) => {
    res.setHeader('Retry-After', String(decision.retryAfterSeconds));
    replyError(
      res,
      ErrorCode.RATE_LIMITED,
      `more than ${perMinute} requests in a minute: retry in ${decision.retryAfterSeconds} s`,
      { retryAfter: decision.retryAfterSeconds, limit: perMinute },
    );
  };
  return async (req, res, next) => {
    const header = req.headers.authorization;
    const address = `address:${req.socket.remoteAddress ?? 'unknown'}`;
    let caller: Caller | null = null;
    try {
      if (header !== undefined) {
        const before = await limiter?.check(address);
        if (before && !before.allowed) return refuse(res, before);
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        caller = match ? await authenticate(read, match[1], write) : null;
        if (!caller) {
          await limiter?.take(address);
          return replyError(
            res,
            ErrorCode.UNAUTHENTICATED,
            'the API key is not valid (unknown, revoked or malformed): send Authorization: Bearer <key>',
          );
        }
      } else if (settings.auth === 'open') {
        caller = OPEN_DEMO_CALLER;
      }
      if (limiter) {
        const decision = await limiter.take(caller?.keyId != null ? `key:${caller.keyId}` : address);
        if (!decision.allowed) return refuse(res, decision);
      }
    } catch (error) {
      logger.error('authentication failed:', error);
      // The key store (or the buckets beside it) did not answer: nothing says the key is wrong,
      // so the caller should retry (503), not give up (500).
      return replyError(res, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error', {}, 503);
    }
    req.caller = caller;
    next();
  };
}

/**
 * Where the buckets live: in the database on PostgreSQL, the store several instances share,
 * so that they enforce one limit per key; in memory on SQLite, one process by nature, where
 * a statement per request would only queue on the one connection.
 */
function defaultLimiter(knex: Knex, settings: Settings, logger: Logger): CallerLimiter | null {
  const perMinute = settings.limits.requestsPerMinute;
  if (perMinute === null) return null;
  return dialectName(knex) === 'postgresql'
    ? new SharedRateLimiter(knex, perMinute, logger)
    : new RateLimiter(perMinute);
}
