import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/common/paths';
import { createTestTarget } from './support/database';
import { MAIN, killLeftoverServices, startService } from './support/process';

afterEach(killLeftoverServices);

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
  expect(await failsWith({ DATABASE_URL: 'mysql://root@localhost/db' })).toMatch(
    /^segments: DATABASE_URL "mysql:\/\/root@localhost\/db" is not supported/,
  );
});

test('an unreachable PostgreSQL stops the service with a one-line reason, password hidden', async () => {
  const line = await failsWith({
    DATABASE_URL: 'postgres://someone:secret@127.0.0.1:1/nowhere',
    DEMO_DATA: 'off',
  });
  expect(line).toMatch(
    /^segments: cannot reach PostgreSQL postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/nowhere/,
  );
  expect(line).not.toContain('secret');
});

test('a SQLite path that cannot be created stops the service with a one-line reason', async () => {
  expect(await failsWith({ DATABASE_URL: 'sqlite:/dev/null/x/db.sqlite' })).toMatch(
    /^segments: cannot create the folder of SQLite file \/dev\/null\/x\/db.sqlite: /,
  );
});

test('bad PORT and DEMO_DATA values are named', async () => {
  expect(await failsWith({ PORT: 'eighty' })).toBe('segments: PORT "eighty" is not a port number (0-65535)');
  expect(await failsWith({ DEMO_DATA: 'maybe' })).toBe('segments: DEMO_DATA "maybe" must be on or off');
});

test('a port in use stops the service with a one-line reason that says what to set', async () => {
  const target = await createTestTarget();
  const holder = createServer();
  try {
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    const service = startService({ DATABASE_URL: target.url, PORT: String(port), DEMO_DATA: 'off' });
    expect((await service.exited).code).toBe(1);
    // The migrations of the new database are applied before the port is asked for; then one line, no stack.
    const lines = service
      .output()
      .trim()
      .split('\n')
      .filter((line) => !line.startsWith('applied migrations'));
    expect(lines).toEqual([
      `segments: port ${port} is in use: set PORT=… to another port (PORT=0 picks a free one)`,
    ]);
  } finally {
    holder.close();
    await target.remove();
  }
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
    const page = await graphql(
      port,
      '{ customers(first: 5) { totalCount edges { node { externalId country } } } }',
    );
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

/** The keys command line, as an operator runs it against DATABASE_URL. */
/**
 * Runs the keys CLI without blocking this process: a synchronous run would
 * freeze the event loop past the service's keep-alive, and the next request
 * would go out on a connection the service had just closed.
 */
function keysCli(
  databaseUrl: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'cli', 'api-keys.js'), ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

async function post(port: number, body: unknown, key?: string) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      data?: any;
      errors?: Array<{ message: string; extensions: { code: string } }>;
    },
  };
}

test('the open local demo says so loudly and listens on loopback only', async () => {
  const target = await createTestTarget();
  try {
    const service = startService({ DATABASE_URL: target.url, PORT: '0', DEMO_DATA: 'off' });
    await service.ready;
    expect(service.output()).toContain('OPEN LOCAL DEMO');
    expect(service.output()).toContain('listening on 127.0.0.1');
    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
  } finally {
    await target.remove();
  }
});

// Seven processes start one after the other (the refused start, five CLI runs, the service): a loaded
// machine needs more than the default minute.
test('production refuses to start without an API key; with one made by the CLI it requires it, hides playground and introspection, and honours revocation', async () => {
  const target = await createTestTarget();
  const production = {
    DATABASE_URL: target.url,
    PORT: '0',
    HOST: '127.0.0.1',
    NODE_ENV: 'production',
    CURSOR_SECRET: 'a test secret of at least thirty-two characters',
  };
  try {
    const refused = startService(production);
    expect((await refused.exited).code).toBe(1);
    expect(refused.output().trim().split('\n').pop()).toMatch(
      /^segments: production mode \(NODE_ENV=production\) needs at least one API key: create one with `npm run keys -- create/,
    );

    expect(await keysCli(target.url, ['create', '--name', 'ops'])).toMatchObject({ code: 2 });
    expect(await keysCli(target.url, ['create', '--name', 'ops', '--scopes', 'read,root'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('unknown scope root'),
    });
    // In an operator's production shell, without the service's CURSOR_SECRET: the keys tool needs the database only.
    const created = await keysCli(target.url, ['create', '--name', 'ops', '--scopes', 'read,admin'], {
      NODE_ENV: 'production',
    });
    expect(created.code).toBe(0);
    const key = /secret \(shown once, keep it safe\): (seg_\S+)/.exec(created.stdout)![1];
    const listed = await keysCli(target.url, ['list']);
    expect(listed.stdout).toMatch(
      new RegExp(`^1\\tseg_${key.slice(4, 12)}…\\tops\\tread,admin\\tactive\\t`, 'm'),
    );
    expect(listed.stdout).not.toContain(key);

    const service = startService(production);
    const port = await service.ready;
    expect(service.output()).not.toContain('OPEN LOCAL DEMO');
    expect(service.output()).not.toContain('loading the demo base');
    const anonymous = await post(port, { query: '{ customers { totalCount } }' });
    expect(anonymous.body.errors?.map((error) => error.extensions.code)).toEqual(['UNAUTHENTICATED']);
    expect((await post(port, { query: '{ customers { totalCount } }' }, key)).body).toEqual({
      data: { customers: { totalCount: 0 } },
    });
    const introspection = await post(port, { query: '{ __schema { queryType { name } } }' }, key);
    expect(introspection.body.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await fetch(`http://127.0.0.1:${port}/playground/`)).status).toBe(404);

    expect(await keysCli(target.url, ['revoke', '1'])).toMatchObject({
      code: 0,
      stdout: 'revoked key 1 "ops"\n',
    });
    expect(await keysCli(target.url, ['revoke', '42'])).toMatchObject({ code: 1 });
    expect((await post(port, { query: '{ customers { totalCount } }' }, key)).status).toBe(401);
    service.child.kill('SIGTERM');
    expect((await service.exited).code).toBe(0);
  } finally {
    await target.remove();
  }
}, 150_000);

test('production refuses to start without CURSOR_SECRET or with a short one', async () => {
  const lastLine = async (env: Record<string, string>) => {
    const service = startService({ NODE_ENV: 'production', DATABASE_URL: 'sqlite::memory:', ...env });
    expect((await service.exited).code).toBe(1);
    return service.output().trim().split('\n').pop();
  };
  expect(await lastLine({})).toMatch(
    /^segments: production mode \(NODE_ENV=production\) needs CURSOR_SECRET: a random secret of at least 32 characters, the same on every instance/,
  );
  expect(await lastLine({ CURSOR_SECRET: 'x'.repeat(31) })).toMatch(
    /^segments: CURSOR_SECRET is 31 characters long: it needs at least 32/,
  );
  expect(await lastLine({ CURSOR_SECRET: 'x'.repeat(31) })).not.toContain('x'.repeat(31));
});

test('AUTH=open is refused in production', async () => {
  const line = await (async () => {
    const service = startService({ NODE_ENV: 'production', AUTH: 'open', DATABASE_URL: 'sqlite::memory:' });
    await service.exited;
    return service.output().trim();
  })();
  expect(line).toBe(
    'segments: AUTH=open is refused in production (NODE_ENV=production): every request needs an API key',
  );
});
