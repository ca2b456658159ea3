import { boxed, openDemoBanner } from '../src/server/banner';

/** The open-demo warning keeps its frame whatever the host. */

test.each(['127.0.0.1', '::1', 'segments-demo.internal.example.org'])(
  'every line of the banner is as wide as the frame for host %s',
  (host) => {
    const lines = openDemoBanner(host)
      .split('\n')
      .filter((line) => line.trim());
    expect(lines).toHaveLength(5);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    expect(lines.every((line) => line.trimStart().startsWith('*') && line.endsWith('*'))).toBe(true);
    expect(lines.join('\n')).toContain(`(bound to ${host}).`);
  },
);

test('a box pads to its widest line', () => {
  expect(boxed(['ab', 'abcd'])).toBe(
    ['', '  **********', '  *  ab    *', '  *  abcd  *', '  **********', ''].join('\n'),
  );
});
