// micro/segments: planSegments and detectEncoding throughput (messages/s) on a mix of texts:
// short and long GSM-7, GSM-7 with extension characters, Hindi and emoji (UCS-2), single and multipart.
import { detectEncoding, planSegments } from '../../src/protocols/gsm/index.ts';
import { opsPerSecond } from '../lib/micro-timer.mjs';
import { round, runBench } from '../lib/report.mjs';

const kinds = [
  (i) => `Your OTP is ${100000 + i}. Valid for 10 minutes. Do not share it with anyone. - DAKIYA`,
  (i) => `Dear Asha, your order #${i} of Rs 1,499/- ships today {express} ~ track [here]: https://dky.in/t/${i} ^_^ - DAKIYA`,
  (i) => `Dear customer, ${'your monthly statement for account ending 4321 is ready. '.repeat(6)}Ref ${i}. - DAKIYA`,
  (i) => `आपका ओटीपी ${100000 + i} है। इसे किसी के साथ साझा न करें। - DAKIYA`,
  (i) => `प्रिय ग्राहक, ${'आपका मासिक विवरण तैयार है और ईमेल पर भेज दिया गया है। '.repeat(3)}संदर्भ ${i}`,
  (i) => `Happy Diwali 🪔 from all of us at DAKIYA! 🎉 Use code DIWALI${i % 100} for 20% off.`,
];
const texts = Array.from({ length: 6000 }, (_, i) => kinds[i % kinds.length](i));

await runBench('segments', 60_000, async () => {
  const plan = opsPerSecond((t) => planSegments(t).segments.length, texts);
  const detect = opsPerSecond((t) => detectEncoding(t), texts);
  return [
    { metric: 'plan_segments_per_s', value: round(plan), unit: 'msg/s' },
    { metric: 'detect_encoding_per_s', value: round(detect), unit: 'msg/s' },
  ];
});
