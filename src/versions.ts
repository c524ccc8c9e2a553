/**
 * Compares dotted versions numerically ("4.10" > "4.9"); anything after the numbers
 * ("+ds1", "-rc1") is ignored, which is what a minimum-version check needs.
 */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [numericParts(a), numericParts(b)]
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0)
    if (d !== 0) return Math.sign(d)
  }

  return 0
}

function numericParts(version: string): number[] {
  return (/^\d+(\.\d+)*/.exec(version.trim())?.[0] ?? '0').split('.').map(Number)
}
