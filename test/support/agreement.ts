/** Agreement with a published figure to `digits` significant digits: within half a unit of the last of them. */
export function expectAgreement(value: number, published: number, digits: number): void {
  const unit = Math.pow(10, Math.floor(Math.log10(Math.abs(published))) - digits + 1);
  expect(Math.abs(value - published)).toBeLessThanOrEqual(unit / 2);
}
