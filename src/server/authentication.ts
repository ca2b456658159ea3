import type { RequestHandler } from 'express';
import type { Knex } from '@mikro-orm/knex';
import { authenticate } from '../auth/api-keys.service';
import { OPEN_DEMO_CALLER, type Caller } from '../common/scopes';
import { ErrorCode } from '../common/errors';
import type { Settings } from '../common/config';
import type { Logger } from './errors';
import { replyError } from './http-status';
import { RateLimiter } from './rate-limit';

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
 */
export function authenticationMiddleware(knex: Knex, settings: Settings, logger: Logger): RequestHandler {
  const limiter =
    settings.limits.requestsPerMinute === null ? null : new RateLimiter(settings.limits.requestsPerMinute);
  return async (req, res, next) => {
    const header = req.headers.authorization;
    let caller: Caller | null = null;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      try {
        caller = match ? await authenticate(knex, match[1]) : null;
      } catch (error) {
        logger.error('authentication failed:', error);
        // The key store did not answer: nothing says the key is wrong, so the caller should retry (503), not give up (500).
        return replyError(res, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error', {}, 503);
      }
      if (!caller)
        return replyError(
          res,
          ErrorCode.UNAUTHENTICATED,
          'the API key is not valid (unknown, revoked or malformed): send Authorization: Bearer <key>',
        );
    } else if (settings.auth === 'open') {
      caller = OPEN_DEMO_CALLER;
    }
    if (limiter) {
      const who =
        caller?.keyId != null ? `key:${caller.keyId}` : `address:${req.socket.remoteAddress ?? 'unknown'}`;
      const decision = limiter.take(who);
      if (!decision.allowed) {
        res.setHeader('Retry-After', String(decision.retryAfterSeconds));
        return replyError(
          res,
          ErrorCode.RATE_LIMITED,
          `more than ${settings.limits.requestsPerMinute} requests in a minute: retry in ${decision.retryAfterSeconds} s`,
          {
            retryAfter: decision.retryAfterSeconds,
            limit: settings.limits.requestsPerMinute,
          },
        );
      }
    }
    req.caller = caller;
    next();
  };
}
