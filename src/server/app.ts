import { createServer, type Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { Settings } from '../config';
import type { Database } from '../db/database';
import { createRequestContext, type RequestContext } from './context';
import { makeErrorFormatter, type Logger } from './errors';
import { playgroundRouter } from './playground';
import { buildAppSchema } from './schema';

/** Large enough for a batch of 5,000 ingestion items. */
export const MAX_BODY = '16mb';

export interface App {
  httpServer: Server;
  apollo: ApolloServer<RequestContext>;
  /** Starts listening; resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /** Stops taking requests, lets those in flight finish, then closes. */
  stop(): Promise<void>;
}

export async function createApp(db: Database, settings: Settings, logger: Logger = console): Promise<App> {
  const expressApp = express();
  expressApp.disable('x-powered-by');
  const httpServer = createServer(expressApp);
  const apollo = new ApolloServer<RequestContext>({
    schema: await buildAppSchema(),
    formatError: makeErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled()],
    logger: { debug: () => undefined, info: () => undefined, warn: logger.warn, error: logger.error },
  });
  await apollo.start();

  expressApp.get('/healthz', async (_req, res) => {
    try {
      await db.fork().getConnection().execute('select 1');
      res.json({ status: 'ok', database: db.target.dialect });
    } catch {
      res.status(503).json({ status: 'unavailable', database: db.target.dialect });
    }
  });
  expressApp.use('/playground', playgroundRouter('/graphql'));
  expressApp.get('/', (_req, res) => res.redirect(302, '/playground/'));
  expressApp.use(
    '/graphql',
    express.json({ limit: MAX_BODY }),
    expressMiddleware(apollo, { context: async () => createRequestContext(db, settings) }),
  );

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
    stop: () => apollo.stop(),
  };
}
