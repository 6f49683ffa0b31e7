// Compares two files of bench JSON lines (before, after): each metric's medians, the change, and
// whether the two sample ranges overlap (if they do, the change may be noise).
// Usage: node bench/compare.mjs [--across] before.jsonl after.jsonl
// A result is keyed by bench, setup and metric: `send accepted_per_s` (SQLite, one node: lines from
// before --store existed are SQLite too), `send[postgres] accepted_per_s`, `send[postgres×2] ...`.
// --across drops the setup from the key, to set one setup against another (sqlite vs postgres,
// one node vs two) from two files of the same commit.
import { readFileSync } from 'node:fs';

/** The setup a line measured, as a key suffix: '' for SQLite on one node. */
function setupOf(r) {
  const store = r.store ?? 'sqlite';
  const nodes = r.nodes ?? 1;
  if (store === 'sqlite' && nodes === 1) return '';
  return `[${store}${nodes > 1 ? `×${nodes}` : ''}]`;
}

function load(file, across) {
  const out = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    const r = JSON.parse(line);
    out.set(`${r.bench}${across ? '' : setupOf(r)} ${r.metric}`, r);
  }
  return out;
}

const args = process.argv.slice(2);
const across = args[0] === '--across';
const [beforeFile, afterFile] = across ? args.slice(1) : args;
if (!beforeFile || !afterFile) {
  process.stderr.write('usage: node bench/compare.mjs [--across] before.jsonl after.jsonl\n');
  process.exit(2);
}
const before = load(beforeFile, across);
const after = load(afterFile, across);
const rows = [['bench metric', 'unit', 'before', 'after', 'change', 'ranges']];
for (let [key, a] of after) {
  const b = before.get(key);
  if (!b) continue;
  if (across) key = `${key} ${setupOf(b) || '[sqlite]'}→${setupOf(a) || '[sqlite]'}`;
  const change = b.median === 0 ? 'n/a' : `${a.median >= b.median ? '+' : ''}${(((a.median - b.median) / b.median) * 100).toFixed(1)} %`;
  const overlap = Math.min(...a.samples) <= Math.max(...b.samples) && Math.min(...b.samples) <= Math.max(...a.samples);
  rows.push([key, a.unit, String(b.median), String(a.median), change, overlap ? 'overlap (noise?)' : 'distinct']);
}
if (rows.length === 1) {
  process.stderr.write(`no bench metric in both files${across ? '' : ' (measured on different setups, --store/--nodes? --across compares them)'}\n`);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i])).join('  ')}\n`);
process.stdout.write(`before: ${[...before.values()][0]?.commit ?? '?'}  after: ${[...after.values()][0]?.commit ?? '?'}\n`);
