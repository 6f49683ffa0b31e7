// Compares two files of bench JSON lines (before, after): each metric's medians, the change, and
// whether the two sample ranges overlap (if they do, the change may be noise).
// Usage: node bench/compare.mjs before.jsonl after.jsonl
import { readFileSync } from 'node:fs';

function load(file) {
  const out = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    const r = JSON.parse(line);
    out.set(`${r.bench} ${r.metric}`, r);
  }
  return out;
}

const [beforeFile, afterFile] = process.argv.slice(2);
if (!beforeFile || !afterFile) {
  process.stderr.write('usage: node bench/compare.mjs before.jsonl after.jsonl\n');
  process.exit(2);
}
const before = load(beforeFile);
const after = load(afterFile);
const rows = [['bench metric', 'unit', 'before', 'after', 'change', 'ranges']];
for (const [key, a] of after) {
  const b = before.get(key);
  if (!b) continue;
  const change = b.median === 0 ? 'n/a' : `${a.median >= b.median ? '+' : ''}${(((a.median - b.median) / b.median) * 100).toFixed(1)} %`;
  const overlap = Math.min(...a.samples) <= Math.max(...b.samples) && Math.min(...b.samples) <= Math.max(...a.samples);
  rows.push([key, a.unit, String(b.median), String(a.median), change, overlap ? 'overlap (noise?)' : 'distinct']);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i])).join('  ')}\n`);
process.stdout.write(`before: ${[...before.values()][0]?.commit ?? '?'}  after: ${[...after.values()][0]?.commit ?? '?'}\n`);
