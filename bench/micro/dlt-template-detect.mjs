// micro/dlt-template-detect: detectTemplate detections/s against 500 templates of one sender and
// category (shared openings like "Dear {#var#}," as real accounts have, 5 % opening with a
// variable), over 10,000 distinct personalised texts: texts that match one template, and texts
// that match none (the failure path scores every template to name the closest).
import { detectTemplate } from '../../src/domain/dlt-template-detect.ts';
import { opsPerSecond } from '../lib/micro-timer.mjs';
import { round, runBench } from '../lib/report.mjs';

const openings = ['Dear {#var#}, ', 'Hi {#str#}, ', 'Your OTP is {#num#}. ', 'Dear Customer, ', 'Alert: ', 'प्रिय {#str#}, ', 'Thank you for shopping with us. ', 'Reminder: ', 'Hello, ', 'Important: '];
const bodies = [
  (k) => `your order {#num#} of {#amount#} has been shipped via courier ${k}.`,
  (k) => `your appointment ${k} is confirmed for {#date#}. Reply STOP to opt out.`,
  (k) => `your account ending {#num#} was debited by {#amount#} on {#date#} (ref ${k}).`,
  (k) => `track your parcel ${k} at {#url#} for live updates.`,
  (k) => `your bill of {#amount#} for plan ${k} is due on {#date#}.`,
];
const templates = Array.from({ length: 500 }, (_, i) => {
  const body = bodies[i % bodies.length](`P${i}`);
  const text = i % 20 === 19 ? `{#str#}, ${body} - DAKIYA` : `${openings[i % openings.length]}${body} - DAKIYA`;
  return { accountId: 'acc', templateId: `T-${1000 + i}`, sender: 'DAKIYA', category: 'transactional', text, status: 'active', createdAt: 0 };
});

const values = { var: (n) => `Asha${n}`, str: (n) => `Ravi Kumar ${n % 97}`, num: (n) => String(100000 + n), amount: (n) => `Rs. ${1 + (n % 9)},${String(n % 1000).padStart(3, '0')}.50`, date: (n) => `${1 + (n % 28)}-0${1 + (n % 9)}-2026`, url: (n) => `https://dky.in/t/${n}` };
const fill = (text, n) => text.replace(/\{#(var|str|num|amount|date|url)#\}/g, (_, type) => values[type](n));
const matching = Array.from({ length: 10_000 }, (_, n) => fill(templates[(n * 7) % templates.length].text, n));
const failing = matching.slice(0, 2_000).map((text) => text.replace(' - DAKIYA', ' - DAKIYA.'));

await runBench('dlt-template-detect', 60_000, async () => {
  const options = { maxVariableLength: 30 };
  const detect = (text) => detectTemplate(templates, 'DAKIYA', 'transactional', text, options);
  for (let n = 0; n < 50; n++) {
    const detection = detect(matching[n]);
    const expected = templates[(n * 7) % templates.length].templateId;
    if (detection.kind !== 'matched' || detection.template.templateId !== expected) throw new Error(`text ${n} detected ${JSON.stringify(detection)}, expected ${expected}`);
    if (detect(failing[n]).kind !== 'mismatch') throw new Error(`failing text ${n} was not a mismatch`);
  }
  const matched = opsPerSecond((text) => detect(text).kind, matching);
  const unmatched = opsPerSecond((text) => detect(text).kind, failing);
  return [
    { metric: 'matched_500_templates_per_s', value: round(matched), unit: 'detections/s' },
    { metric: 'unmatched_500_templates_per_s', value: round(unmatched), unit: 'detections/s' },
  ];
});
