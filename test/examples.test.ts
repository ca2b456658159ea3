import { loadExampleTabs } from '../src/server/playground';
import { definedOperationNames } from '../src/server/playground-operations';

/** The playground's tabs read as a newcomer would go: a tour first, each tab saying what it shows, reads before writes. */

const tabs = loadExampleTabs();
const writes = tabs.map((tab) => /^\s*mutation\b/m.test(tab.query));

test('every example starts with a one-line comment saying what it shows', () => {
  for (const tab of tabs) expect(tab.query.split('\n')[0]).toMatch(/^# [A-Z].{20,}[.:)\w]$/);
});

test('the first tab is the read-only tour, and every read comes before the first write', () => {
  expect(definedOperationNames(tabs[0].query)).toEqual(['StartHere']);
  expect(writes[0]).toBe(false);
  const firstWrite = writes.indexOf(true);
  expect(firstWrite).toBeGreaterThan(5);
  expect(writes.slice(firstWrite).every(Boolean)).toBe(true);
});
