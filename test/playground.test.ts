import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { loadExampleTabs } from '../src/server/playground';
import { loadDemoDataIfEmpty } from '../seeds/demo';
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
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium is needed at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  server = await startTestServer();
  // The base a newcomer sees after `npm start`.
  await loadDemoDataIfEmpty(server.db, () => undefined);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 120_000);

/** A browser context in which every request outside the service is aborted and recorded. */
async function offlinePage() {
  const origin = new URL(server.url).origin;
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
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
  return { context, page, outside, pageErrors };
}

const screenshot = (name: string) => join(tmpdir(), `segments-playground-${name}.png`);

test('the playground opens on the read-only tour, whose crossed segment is not empty on the demo base', async () => {
  const { context, page, outside, pageErrors } = await offlinePage();
  await expect(page.locator('.graphiql-tab').first().textContent()).resolves.toContain('StartHere');
  await page.locator('.graphiql-query-editor', { hasText: 'query StartHere' }).waitFor();
  await page.locator('.graphiql-execute-button').click();
  const result = page.locator('.result-window');
  await result.getByText('"shareOfBase"').waitFor({ timeout: 20_000 });
  // The result pane renders only its visible lines: read the figures from the text it shows.
  const shown = (await result.textContent())!;
  expect(Number(/"size": (\d+)/.exec(shown)?.[1])).toBeGreaterThan(0);
  expect(shown).toContain('"explain"');
  expect(shown).not.toContain('"errors"');
  await page.screenshot({ path: screenshot('tour') });
  expect(outside).toEqual([]);
  expect(pageErrors).toEqual([]);
  await context.close();
});

test('a tab with two operations runs each one', async () => {
  const { context, page, outside, pageErrors } = await offlinePage();
  await page.getByRole('tab', { name: 'SegmentSize', exact: true }).click();
  await page.locator('.graphiql-query-editor', { hasText: 'query SegmentFirstMembers' }).waitFor();
  const result = page.locator('.result-window');
  for (const [operation, expected] of [
    ['SegmentFirstMembers', '"totalCount"'],
    ['SegmentSize', '"shareOfBase"'],
  ]) {
    // Right after an answer, GraphiQL may still count itself as fetching, and a click on the
    // button then stops instead of offering the operations: click again until the menu opens.
    const item = page.locator('.graphiql-dropdown-item', { hasText: operation });
    for (let attempt = 0; attempt < 5 && !(await item.isVisible()); attempt++) {
      await page.locator('.graphiql-execute-button').click();
      await item.waitFor({ timeout: 3_000 }).catch(() => undefined);
    }
    await item.click();
    await result.getByText(expected).waitFor({ timeout: 20_000 });
    expect(await result.textContent()).not.toContain('errors');
  }
  await page.screenshot({ path: screenshot('two-operations') });
  expect(outside).toEqual([]);
  expect(pageErrors).toEqual([]);
  await context.close();
});

test('GraphiQL loads from the service alone, shows the examples as tabs, and runs a query', async () => {
  const { context, page, outside, pageErrors } = await offlinePage();
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
  expect(await result.textContent()).toContain('"firstName"');

  expect(outside).toEqual([]);
  expect(pageErrors).toEqual([]);
  await page.screenshot({ path: screenshot('lookup') });
  await context.close();
});
