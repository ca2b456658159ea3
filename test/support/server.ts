import { print, type ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createApp, type App } from '../../src/server/app';
import type { Logger } from '../../src/server/errors';
import type { OrmOptions } from '../../src/orm/orm-config';
import type { Settings } from '../../src/common/config';
import { createTestDatabase, type TestDatabase } from './database';

export interface TestServer extends TestDatabase {
  app: App;
  url: string;
  /** Runs one typed operation over HTTP and returns the parsed response. */
  run<R, V>(document: TypedDocumentNode<R, V>, variables?: V): Promise<ExecutionResult<R>>;
  /** Runs raw GraphQL text over HTTP. */
  post(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ status: number; body: ExecutionResult<any> }>;
  /** What the service logged as errors. */
  logged: unknown[][];
  stop(): Promise<void>;
}

export async function startTestServer(
  options: OrmOptions = {},
  settings: Partial<Settings> = {},
): Promise<TestServer> {
  // On PostgreSQL every request also takes a token from its rate-limit bucket (one statement of
  // the HTTP plumbing, server/shared-rate-limit.ts): statement counts are of the question asked.
  const onQuery = options.onQuery;
  const counted = onQuery
    ? { ...options, onQuery: (sql: string) => void (/\brate_limit_buckets\b/.test(sql) || onQuery(sql)) }
    : options;
  const database = await createTestDatabase(counted);
  Object.assign(database.settings, settings);
  const logged: unknown[][] = [];
  const logger: Logger = {
    error: (...args: unknown[]) => logged.push(args),
    warn: (...args: unknown[]) => logged.push(args),
    info: () => undefined,
  };
  const app = await createApp(database.db, database.settings, logger);
  const port = await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}/graphql`;
  const post = async (query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as ExecutionResult<any> };
  };
  return {
    ...database,
    app,
    url,
    logged,
    post,
    run: async (document, variables) =>
      (await post(print(document), variables as Record<string, unknown>)).body,
    stop: async () => {
      await app.stop();
      await database.drop();
    },
  };
}
