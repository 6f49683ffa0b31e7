// Reads another process's CPU time and memory from /proc (Linux only), to say how busy and how big
// the gateway child was without instrumenting it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// USER_HZ is 100 on every mainstream Linux build; /proc/<pid>/stat counts in it.
const ticksPerSecond = 100;

/** The fields of /proc/<pid>/stat after the command name: [0] is state, [1] ppid, [2] pgrp, [11] utime, [12] stime. */
export function statFields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; fields are counted after its closing paren.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** User + system CPU seconds the process has used so far. */
export function cpuSeconds(pid) {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** The pid of every live process, with its stat fields (see statFields). */
export function allProcesses() {
  const out = new Map();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try { out.set(Number(pid), statFields(pid)); } catch { /* exited meanwhile */ }
  }
  return out;
}

/** The PostgreSQL postmaster of the cluster in `dataDir` (first line of postmaster.pid), or undefined. */
export function postmasterPid(dataDir) {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds used so far by the PostgreSQL server: the postmaster and its children (every
 * backend, the WAL writer, checkpointer, autovacuum...). Backends rewrite their command line
 * ("postgres: dakiya postgres 127.0.0.1(5432) idle"), so they are found as the postmaster's
 * children rather than by the data dir in their command line.
 */
export function postgresCpu(postmaster, processes = allProcesses()) {
  const out = new Map();
  for (const [pid, f] of processes) {
    if (pid === postmaster || Number(f[1]) === postmaster) out.set(pid, (Number(f[11]) + Number(f[12])) / ticksPerSecond);
  }
  return out;
}

/**
 * Follows a changing set of processes (`sample()` returns Map<pid, CPU seconds so far>) and, when
 * stopped, says how many CPU seconds they used in between, in all and by `kind(pid)`. Sampled
 * every `everyMs`, so a process that exits meanwhile loses at most its last interval; one that
 * appears after the start counts from zero (it was born during the measurement).
 * @returns {() => { used: number, byKind: Map<string, number> }}
 */
export function cpuMeter(sample, kind = () => 'all', everyMs = 250) {
  const first = new Map(sample());
  const last = new Map(first);
  const kinds = new Map();
  const tick = () => {
    for (const [pid, cpu] of sample()) {
      last.set(pid, cpu);
      if (!kinds.has(pid)) kinds.set(pid, kind(pid));
    }
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return () => {
    clearInterval(timer);
    tick();
    let used = 0;
    const byKind = new Map();
    for (const [pid, cpu] of last) {
      const d = cpu - (first.get(pid) ?? 0);
      used += d;
      const k = kinds.get(pid) ?? 'exited';
      byKind.set(k, (byKind.get(k) ?? 0) + d);
    }
    return { used, byKind };
  };
}

/**
 * What a PostgreSQL server process is, from the title it gives itself: "backend" for a client
 * connection ("postgres: dakiya postgres 127.0.0.1(41234) idle"), else the auxiliary process's
 * name ("walwriter", "checkpointer", "autovacuum worker"...), "postmaster" for the server itself.
 */
const auxiliaries = ['autovacuum launcher', 'autovacuum worker', 'background writer', 'checkpointer', 'walwriter', 'logical replication', 'parallel worker', 'archiver', 'startup'];

export function postgresKind(pid) {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
    if (!cmd.startsWith('postgres: ')) return 'postmaster';
    const title = cmd.slice('postgres: '.length).trim();
    if (/\d+\.\d+\.\d+\.\d+\(\d+\)|\[local\]/.test(title)) return 'backend';
    return auxiliaries.find((name) => title.startsWith(name)) ?? title.split(' ')[0];
  } catch {
    return 'exited';
  }
}

/** VmRSS (now) and VmHWM (peak so far) in MiB. */
export function memoryMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kib('VmRSS') / 1024, hwm: kib('VmHWM') / 1024 };
}
