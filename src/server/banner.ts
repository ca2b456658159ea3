/** Lines framed in a box of asterisks, each padded to the widest, so the frame holds for any host or URL length. */
export function boxed(lines: string[]): string {
  const width = Math.max(...lines.map((line) => line.length));
  const rule = `  ${'*'.repeat(width + 6)}`;
  return ['', rule, ...lines.map((line) => `  *  ${line.padEnd(width)}  *`), rule, ''].join('\n');
}

/** The warning printed before the address of the open local demo. */
export function openDemoBanner(host: string): string {
  return boxed([
    'OPEN LOCAL DEMO: no API key needed, every caller has every scope,',
    `personal data included. For this machine only (bound to ${host}).`,
    'Production: NODE_ENV=production (API keys required, see README).',
  ]);
}
