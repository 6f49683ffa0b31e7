// Times a synchronous operation over a fixed input set: warm-up first (so the JIT has settled),
// then whole passes until the time budget is spent. Returns operations per second.

/** A value the optimiser cannot prove unused. */
export let sink = 0;

/**
 * @param {(input: any) => unknown} op
 * @param {readonly any[]} inputs cycled in order, one op per input
 */
export function opsPerSecond(op, inputs, { warmupMs = 500, runMs = 2000 } = {}) {
  const pass = () => {
    let acc = 0;
    for (let i = 0; i < inputs.length; i++) {
      const out = op(inputs[i]);
      acc += out === undefined || out === null ? 0 : 1;
    }
    sink += acc;
  };
  const until = (ms) => {
    const end = process.hrtime.bigint() + BigInt(ms) * 1_000_000n;
    let ops = 0;
    const t0 = process.hrtime.bigint();
    let now = t0;
    while (now < end) {
      pass();
      ops += inputs.length;
      now = process.hrtime.bigint();
    }
    return ops / (Number(now - t0) / 1e9);
  };
  until(warmupMs);
  return until(runMs);
}
