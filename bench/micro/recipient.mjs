// micro/recipient: normaliseRecipient numbers/s. Indian numbers in the spellings customers upload
// (the bulk path), and international numbers, which go through libphonenumber-js.
import { normaliseRecipient } from '../../src/domain/recipient.ts';
import { opsPerSecond } from '../lib/micro-timer.mjs';
import { round, runBench } from '../lib/report.mjs';

const spellings = [
  (n) => `${n}`,
  (n) => `91${n}`,
  (n) => `+91${n}`,
  (n) => `0${n}`,
  (n) => `+91 ${String(n).slice(0, 5)} ${String(n).slice(5)}`,
  (n) => `0091-${String(n).slice(0, 5)}-${String(n).slice(5)}`,
  (n) => `(+91) ${String(n).slice(0, 3)}.${String(n).slice(3, 6)}.${String(n).slice(6)}`,
];
const indian = Array.from({ length: 70_000 }, (_, i) => spellings[i % spellings.length](9_100_000_000 + i * 7));
const international = Array.from({ length: 6_000 }, (_, i) => {
  const [prefix, digits] = [['+1 415 555 ', 4], ['+44 7911 ', 6], ['+65 9', 7], ['+971 50 ', 7]][i % 4];
  return prefix + String(1000 + i).padStart(digits, '1');
});

await runBench('recipient', 60_000, async () => {
  const options = { allowInternational: true };
  for (const list of [indian, international]) {
    const bad = list.find((raw) => !normaliseRecipient(raw, options).ok);
    if (bad !== undefined) throw new Error(`fixture ${bad} is not valid: ${JSON.stringify(normaliseRecipient(bad, options))}`);
  }
  const indianRate = opsPerSecond((raw) => normaliseRecipient(raw, { allowInternational: false }), indian);
  const internationalRate = opsPerSecond((raw) => normaliseRecipient(raw, options), international);
  return [
    { metric: 'indian_per_s', value: round(indianRate), unit: 'numbers/s' },
    { metric: 'international_per_s', value: round(internationalRate), unit: 'numbers/s' },
  ];
});
