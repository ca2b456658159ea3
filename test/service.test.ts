import { existsSync } from 'node:fs';
import { createTestTarget } from './support/database';
import { MAIN, startService } from './support/process';

/** The service as an operator runs it: settings, demo data, health, clean shutdown, one-line failures. */
beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
});

async function failsWith(env: Record<string, string>): Promise<string> {
  const service = startService(env);
  const { code } = await service.exited;
  expect(code).toBe(1);
  const lines = service.output().trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0];
}

test('an unsupported DATABASE_URL stops the service with a one-line reason', async () => {
  expect(await failsWith({ DATABASE_URL: 'mysql://root@localhost/db' })).toMatch(/^segments: DATABASE_URL "mysql:\/\/root@localhost\/db" is not supported/);
});

test('an unreachable PostgreSQL stops the service with a one-line reason, password hidden', async () => {
  const line = await failsWith({ DATABASE_URL: 'postgres://someone:secret@127.0.0.1:1/nowhere', DEMO_DATA: 'off' });
  expect(line).toMatch(/^segments: cannot reach PostgreSQL postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/nowhere/);
  expect(line).not.toContain('secret');
});

test('a SQLite path that cannot be created stops the service with a one-line reason', async () => {
  expect(await failsWith({ DATABASE_URL: 'sqlite:/dev/null/x/db.sqlite' })).toMatch(/^segments: cannot create the folder of SQLite file \/dev\/null\/x\/db.sqlite: /);
});

test('bad PORT and DEMO_DATA values are named', async () => {
  expect(await failsWith({ PORT: 'eighty' })).toBe('segments: PORT "eighty" is not a port number (0-65535)');
  expect(await failsWith({ DEMO_DATA: 'maybe' })).toBe('segments: DEMO_DATA "maybe" must be on or off');
});

async function graphql(port: number, query: string) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

test('on an empty database it loads the demo base, serves it, drains on SIGTERM, and does not load twice', async () => {
  const target = await createTestTarget();
  try {
    const first = startService({ DATABASE_URL: target.url, PORT: '0' });
    const port = await first.ready;
    expect(first.output()).toContain('loading the demo base');
    const page = await graphql(port, '{ customers(first: 5) { totalCount edges { node { externalId country } } } }');
    expect(page.errors).toBeUndefined();
    expect(page.data.customers.totalCount).toBe(5000);
    expect(page.data.customers.edges).toHaveLength(5);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });

    const second = startService({ DATABASE_URL: target.url, PORT: '0' });
    const port2 = await second.ready;
    expect(second.output()).not.toContain('loading the demo base');
    expect((await graphql(port2, '{ customers { totalCount } }')).data.customers.totalCount).toBe(5000);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  } finally {
    await target.remove();
  }
});

test('DEMO_DATA=off starts on an empty database', async () => {
  const target = await createTestTarget();
  try {
    const service = startService({ DATABASE_URL: target.url, PORT: '0', DEMO_DATA: 'off' });
    const port = await service.ready;
    expect((await graphql(port, '{ customers { totalCount } }')).data.customers.totalCount).toBe(0);
    service.child.kill('SIGTERM');
    expect((await service.exited).code).toBe(0);
  } finally {
    await target.remove();
  }
});
