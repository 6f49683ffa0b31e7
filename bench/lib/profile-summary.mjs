// Summarises a V8 .cpuprofile (node --cpu-prof): the functions with the most self time, and
// self time grouped by where the code lives (our src/ folders, node_modules packages, Node, GC).
// When the bench left a windows.json beside the profile, only samples inside those measured
// stretches count. Usable alone: node bench/lib/profile-summary.mjs <file.cpuprofile> [top N]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

function placeOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native/vm)';
  const src = /\/src\/([^/]+(?:\/[^/]+)?)\//.exec(url);
  if (src && !url.includes('node_modules')) return `src/${src[1]}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node:internal';
  return url;
}

export function summariseProfile(file, top = 25) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const windowsFile = join(dirname(file), 'windows.json');
  const windows = existsSync(windowsFile) ? JSON.parse(readFileSync(windowsFile, 'utf8')) : [[-Infinity, Infinity]];
  const hits = new Map();
  // Samples and timeDeltas are parallel: timestamps are startTime plus the running sum of deltas
  // (µs, CLOCK_MONOTONIC); each sample stands for the time until the next one.
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (windows.some(([a, b]) => t >= a && t < b)) hits.set(profile.samples[i], (hits.get(profile.samples[i]) ?? 0) + us);
  }
  const total = [...hits.values()].reduce((a, b) => a + b, 0);
  const fns = new Map();
  const places = new Map();
  for (const [id, us] of hits) {
    const { callFrame } = byId.get(id);
    const file = callFrame.url.replace(/^file:\/\/.*?\/(src|node_modules)\//, '$1/').replace(/^file:\/\//, '');
    const key = `${callFrame.functionName || '(anonymous)'} ${file ? `${file}:${callFrame.lineNumber + 1}` : ''}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
    const place = placeOf(callFrame.url, callFrame.functionName);
    places.set(place, (places.get(place) ?? 0) + us);
  }
  const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
  const scope = existsSync(windowsFile) ? `inside the ${windows.length} measured window(s)` : 'over the whole process life';
  const lines = [`profile ${file}: ${(total / 1e6).toFixed(2)} s sampled ${scope}`, 'self time by place:'];
  for (const [place, us] of [...places].sort((a, b) => b[1] - a[1]).slice(0, 15)) lines.push(`  ${pct(us)}  ${place}`);
  lines.push(`top ${top} functions by self time:`);
  for (const [key, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(us)}  ${key}`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (!process.argv[2]) {
    process.stderr.write('usage: node bench/lib/profile-summary.mjs <file.cpuprofile> [top N]\n');
    process.exit(2);
  }
  process.stdout.write(`${summariseProfile(process.argv[2], Number(process.argv[3] ?? 25))}\n`);
}
