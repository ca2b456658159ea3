import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../src/common/paths';

/**
 * A fresh clone stands alone: nothing the service, its tests, benches, seeds
 * or CI run reads a folder beside the repository. Fixtures live under
 * test/fixtures/.
 */

const FOLDERS = ['src', 'test', 'bench', 'seeds', '.ci'];
/** `../shared`, `..\shared`, or path pieces '..', 'shared' (the way join() is called). */
const OUTSIDE = /\.\.[/\\]shared\b|['"`]\.\.['"`]\s*,\s*['"`]shared['"`]/;

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (name === 'node_modules' || name === 'fixtures') return [];
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

test('nothing in src, test, bench, seeds or .ci refers to a folder outside the repository', () => {
  const offending = FOLDERS.flatMap((folder) => filesUnder(join(PROJECT_ROOT, folder)))
    // This file names the folder in its own examples below.
    .filter((path) => path !== __filename)
    .filter((path) => OUTSIDE.test(readFileSync(path, 'utf8')))
    .map((path) => relative(PROJECT_ROOT, path));
  expect(offending).toEqual([]);
});

test('the pattern recognises each way of naming the folder', () => {
  for (const text of ["join(ROOT, '..', 'shared', 'x')", 'read("../shared/data")', 'cat ..\\shared\\x'])
    expect(OUTSIDE.test(text)).toBe(true);
  expect(OUTSIDE.test("join(ROOT, 'test', 'fixtures', 'cdnow')")).toBe(false);
});
