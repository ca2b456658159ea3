import { createServer, type Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler } from 'express';
import type { Settings } from '../common/config';
import { withoutStatementValues } from '../common/logger';
import type { Database } from '../orm/database';
import type { RequestContext } from '../graphql/context';
import { createRequestContext } from './context';
import { makeErrorFormatter, type Logger } from './errors';
import { playgroundRouter } from './playground';
import { studioRouter } from './studio';
import { buildAppSchema } from './schema';
import { authenticationMiddleware } from './authentication';
import { httpStatusPlugin, replyError } from './http-status';
import { queryLimitsPlugin } from './query-limits';
import { inputNestingGuard } from './input-nesting';
import { documentLimitsGuard } from './document-limits';
import { ErrorCode } from '../common/errors';
import { useCursorSecret } from '../common/pagination';
import { MetricsRefreshScheduler } from '../value/refresh-scheduler';

export interface App {
  httpServer: Server;
  apollo: ApolloServer<RequestContext>;
  /** Starts listening; resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /** Stops taking requests, lets those in flight finish, then closes. */
  stop(): Promise<void>;
}

/** How long an idle HTTP connection is kept open. */
export const KEEP_ALIVE_MS = 75_000;

export async function createApp(db: Database, settings: Settings, logger: Logger = console): Promise<App> {
  if (settings.cursorSecret) useCursorSecret(settings.cursorSecret);
  const expressApp = express();
  expressApp.disable('x-powered-by');
  const httpServer = createServer(expressApp);
  // Idle connections outlive the client's: a server that closes an idle socket first races the
  // client's next request on it (ECONNRESET), which a client whose event loop was busy for a few
  // seconds meets. 75 s is also past the 60 s idle timeout of common load balancers.
  httpServer.keepAliveTimeout = KEEP_ALIVE_MS;
  httpServer.headersTimeout = KEEP_ALIVE_MS + 1000;
  // Every line the service logs goes through here: a failed statement shows its shape, never its bound values.
  logger = withoutStatementValues(logger);
  const apollo = new ApolloServer<RequestContext>({
    schema: await buildAppSchema(),
    formatError: makeErrorFormatter(logger, { suggestions: settings.introspection }),
    includeStacktraceInErrorResponses: false,
    // Callers authenticate with a bearer header, never a cookie, so a forged
    // cross-site request carries no credentials: CSRF prevention would only
    // stop plain GET queries, which GraphQL over HTTP allows.
    csrfPrevention: false,
    // main.ts owns shutdown (drain HTTP, then close the database); Apollo must not race it.
    stopOnTerminationSignals: false,
    introspection: settings.introspection,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      queryLimitsPlugin(settings.limits),
      httpStatusPlugin(),
    ],
    logger: { debug: () => undefined, info: () => undefined, warn: logger.warn, error: logger.error },
  });
  await apollo.start();
  const refresher = new MetricsRefreshScheduler(db, settings.metricsRefreshDelayMs, logger);

  expressApp.get('/healthz', async (_req, res) => {
    try {
      await db.fork().getConnection().execute('select 1');
      res.json({ status: 'ok', database: db.target.dialect });
    } catch {
      res.status(503).json({ status: 'unavailable', database: db.target.dialect });
    }
  });
  if (settings.playground) expressApp.use('/playground', playgroundRouter('/graphql'));
  // The studio uses the public API only, with the caller's key: it is served in production too.
  expressApp.use('/studio', studioRouter({ auth: settings.auth, playground: settings.playground }));
  expressApp.get('/', (_req, res) => res.redirect(302, settings.playground ? '/playground/' : '/studio/'));
  // A browser opening /graphql asks for HTML, which GraphQL over HTTP cannot answer (406): send it
  // to a page that can. Clients asking for JSON, and any GET carrying a query, go on to GraphQL.
  expressApp.get('/graphql', (req, res, next) => {
    if (req.query.query !== undefined || !prefersHtml(req.headers.accept)) return next();
    res.redirect(302, settings.playground ? '/playground/' : '/studio/');
  });
  expressApp.use(
    '/graphql',
    authenticationMiddleware(db.fork().getKnex(), settings, logger),
    express.json({ limit: settings.limits.bodyBytes }),
    inputNestingGuard(),
    documentLimitsGuard(),
    expressMiddleware(apollo, {
      context: async ({ req }) => createRequestContext(db, settings, refresher, req.caller ?? null),
    }),
  );

  expressApp.use(httpErrorHandler(logger, settings.limits.bodyBytes));

  return {
    httpServer,
    apollo,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      }),
    stop: async () => {
      await apollo.stop();
      await refresher.stop();
    },
  };
}

/**
 * Whether an Accept header ranks HTML above every JSON type (a browser's
 * navigation: text/html, then *\/* at a lower weight). A header that names
 * no HTML, or ranks JSON at least as high, is a GraphQL client's.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  let html = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const q = Number(params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find(Boolean) ?? 1);
    if (type === 'text/html' || type === 'application/xhtml+xml') html = Math.max(html, q);
    else if (type === 'application/json' || type === 'application/graphql-response+json')
      json = Math.max(json, q);
  }
  return html > 0 && html > json;
}

/**
 * Errors raised before GraphQL runs (unreadable or oversized bodies) answer
 * as GraphQL-shaped JSON with a status, never Express's HTML page with a stack.
 */
function httpErrorHandler(logger: Logger, bodyBytes: number): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error?.type === 'entity.parse.failed')
      return replyError(res, ErrorCode.BAD_REQUEST, 'the request body is not valid JSON');
    if (error?.type === 'entity.too.large') {
      return replyError(
        res,
        ErrorCode.PAYLOAD_TOO_LARGE,
        `the request body is larger than ${bodyBytes} bytes`,
        { limit: bodyBytes },
      );
    }
    // The body parser's own status says more (415 for an unsupported charset or encoding, 400 for an aborted body).
    if (typeof error?.status === 'number' && error.status >= 400 && error.status < 500) {
      return replyError(res, ErrorCode.BAD_REQUEST, 'the request could not be read', {}, error.status);
    }
    logger.error('unexpected HTTP error:', error);
    return replyError(res, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
  };
}
