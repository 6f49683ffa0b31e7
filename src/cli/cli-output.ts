// How commands print: one JSON object with --json, readable lines otherwise.
export function print(json: boolean, value: Record<string, unknown>, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human}\n`);
}

/** Collects repeatable `--credits ROUTE=N` options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parseCredits(pairs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of pairs) {
    const m = /^([a-z0-9_-]+)=(\d+)$/.exec(pair);
    if (!m) throw new Error(`--credits expects ROUTE=N, got ${pair}`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}
