import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { loadExampleTabs } from '../src/server/playground';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import { startTestServer, type TestServer } from './support/server';

/**
 * The playground in a real browser with the network cut off: every request
 * that does not go to the service is aborted, and there must be none.
 * Needs Chromium (apt-get install -y chromium; .ci/run installs it).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is needed at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  server = await startTestServer();
  await upsertCustomers(server.db.fork().getKnex(), [{ externalId: 'C0000001', firstName: 'Ada', country: 'FR' }]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('GraphiQL loads from the service alone, shows the examples as tabs, and runs a query', async () => {
  const origin = new URL(server.url).origin;
  const context = await browser.newContext();
  const outside: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`)) return route.continue();
    outside.push(url);
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  await page.goto(`${origin}/playground/`);
  await page.waitForSelector('.graphiql-container', { timeout: 20_000 });
  const examples = loadExampleTabs();
  expect(examples.length).toBeGreaterThanOrEqual(5);
  await expect(page.locator('.graphiql-tab').count()).resolves.toBe(examples.length);

  // Each example opens with its variables: run the customer lookup.
  await page.locator('.graphiql-tab', { hasText: 'CustomerByExternalId' }).click();
  await page.locator('.graphiql-query-editor', { hasText: 'query CustomerByExternalId' }).waitFor();
  await page.locator('.graphiql-editor-tool', { hasText: 'C0000001' }).waitFor();
  await page.locator('.graphiql-execute-button').click();
  const result = page.locator('.result-window');
  await result.getByText('"externalId": "C0000001"').waitFor({ timeout: 20_000 });
  expect(await result.textContent()).toContain('"firstName": "Ada"');

  expect(outside).toEqual([]);
  expect(pageErrors).toEqual([]);
  await page.screenshot({ path: require('node:path').join(require('node:os').tmpdir(), 'segments-playground.png') });
  await context.close();
});
