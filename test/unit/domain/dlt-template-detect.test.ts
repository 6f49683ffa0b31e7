import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DltTemplate } from '../../../src/domain/account.ts';
import { detectionError, detectTemplate, TemplateDetector, type TemplateDetection } from '../../../src/domain/dlt-template-detect.ts';
import type { MessageCategory } from '../../../src/domain/message.ts';

const options = { maxVariableLength: 30 };

function template(templateId: string, text: string, extra: Partial<DltTemplate> = {}): DltTemplate {
  return { accountId: 'acc', templateId, sender: 'DAKIYA', category: 'transactional', text, status: 'active', createdAt: 0, ...extra };
}

function detect(templates: readonly DltTemplate[], text: string, category: MessageCategory = 'transactional', sender = 'DAKIYA'): TemplateDetection {
  return detectTemplate(templates, sender, category, text, options);
}

function matchedId(detection: TemplateDetection): string {
  assert.equal(detection.kind, 'matched', JSON.stringify(detection));
  return (detection as Extract<TemplateDetection, { kind: 'matched' }>).template.templateId;
}

function mismatch(detection: TemplateDetection): Extract<TemplateDetection, { kind: 'mismatch' }> {
  assert.equal(detection.kind, 'mismatch', JSON.stringify(detection));
  return detection as Extract<TemplateDetection, { kind: 'mismatch' }>;
}

function ambiguousIds(detection: TemplateDetection): string[] {
  assert.equal(detection.kind, 'ambiguous', JSON.stringify(detection));
  return (detection as Extract<TemplateDetection, { kind: 'ambiguous' }>).candidates.map((t) => t.templateId);
}

const otp = template('T-OTP', 'Your OTP is {#num#}. Valid for 10 minutes. - DAKIYA');
const order = template('T-ORDER', 'Dear {#var#}, your order {#str#} of {#amount#} ships on {#date#}.');
const welcome = template('T-WELCOME', '{#str#}, welcome to Dakiya!');
const account = [otp, order, welcome];

test('finds the single template a text matches', () => {
  const detection = detect(account, 'Dear Asha, your order A-17 of Rs. 1,499 ships on 05-06-2026.');
  assert.equal(matchedId(detection), 'T-ORDER');
  assert.equal((detection as Extract<TemplateDetection, { kind: 'matched' }>).matches, 1);
});

test('finds a template that opens with a variable', () => {
  assert.equal(matchedId(detect(account, 'Asha Rao, welcome to Dakiya!')), 'T-WELCOME');
});

test('does not match a {#num#} variable given letters', () => {
  const result = mismatch(detect([otp], 'Your OTP is abcd. Valid for 10 minutes. - DAKIYA'));
  assert.equal(result.closest.templateId, 'T-OTP');
  assert.equal(result.position, 'Your OTP is '.length);
  assert.equal(result.expected, '{#num#}');
  assert.equal(result.found.startsWith('abcd'), true);
});

test('matches another template whose variable type admits what a {#num#} refused', () => {
  const code = template('T-CODE', 'Your OTP is {#str#}. Valid for 10 minutes. - DAKIYA');
  assert.equal(matchedId(detect([otp, code], 'Your OTP is abcd. Valid for 10 minutes. - DAKIYA')), 'T-CODE');
});

test('does not match a {#date#} variable given an impossible date', () => {
  const visit = template('T-VISIT', 'Your appointment is on {#date#}. - DAKIYA');
  const result = mismatch(detect([visit], 'Your appointment is on 31-02-2026. - DAKIYA'));
  assert.equal(result.expected, '{#date#}');
  assert.equal(result.position, 'Your appointment is on '.length);
});

test('refuses two identical templates as ambiguous, naming both in id order', () => {
  const copy = template('T-OTP-COPY', otp.text);
  assert.deepEqual(ambiguousIds(detect([copy, otp], 'Your OTP is 4821. Valid for 10 minutes. - DAKIYA')), ['T-OTP', 'T-OTP-COPY']);
});

test('refuses templates tied on literals, variables and typing as ambiguous', () => {
  const a = template('T-A', 'Order {#num#} shipped to {#var#}');
  const b = template('T-B', 'Order {#var#} shipped to {#num#}');
  assert.deepEqual(ambiguousIds(detect([a, b], 'Order 12 shipped to 34')), ['T-A', 'T-B']);
});

test('names only the tied templates, not less specific matches, as candidates', () => {
  const a = template('T-A', 'Order {#num#} shipped');
  const b = template('T-B', 'Order {#num#} shipped');
  const loose = template('T-LOOSE', 'Order {#var#}');
  assert.deepEqual(ambiguousIds(detect([loose, a, b], 'Order 12 shipped')), ['T-A', 'T-B']);
});

test('picks the match with the most literal characters', () => {
  const exact = template('T-EXACT', 'Dear {#var#}, your order is shipped.');
  const loose = template('T-LOOSE', 'Dear {#var#}, your order {#var#}');
  const detection = detect([loose, exact], 'Dear Asha, your order is shipped.');
  assert.equal(matchedId(detection), 'T-EXACT');
  assert.equal((detection as Extract<TemplateDetection, { kind: 'matched' }>).matches, 2);
});

test('picks the match with fewer variables when the literals tie', () => {
  const one = template('T-ONE', 'Hi {#var#}!');
  const two = template('T-TWO', 'Hi {#var#}{#var#}!');
  assert.equal(matchedId(detect([two, one], 'Hi Asha!')), 'T-ONE');
});

test('picks a typed variable over {#var#} when literals and variable counts tie', () => {
  const typed = template('T-TYPED', 'Code {#num#} - DAKIYA');
  const untyped = template('T-UNTYPED', 'Code {#var#} - DAKIYA');
  assert.equal(matchedId(detect([untyped, typed], 'Code 4821 - DAKIYA')), 'T-TYPED');
});

test('counts literal characters as code points, so Hindi and emoji literals compare fairly', () => {
  const emoji = template('T-EMOJI', '🎉 {#var#}');
  const plain = template('T-PLAIN', '{#var#}');
  assert.equal(matchedId(detect([plain, emoji], '🎉 Diwali sale')), 'T-EMOJI');
});

test('reports the template sharing the most literal text, not one whose opening variable ran furthest', () => {
  const result = mismatch(detect(account, 'Your OTP is 4821. Valid for 15 minutes. - DAKIYA'));
  assert.equal(result.closest.templateId, 'T-OTP');
  assert.equal(result.position, 'Your OTP is 4821. Valid for 1'.length);
  assert.equal(result.expected, 'literal "0 minutes. - DAKIYA"');
  assert.equal(result.found, '5 minutes. - DAKIYA');
  assert.equal(result.eligible, 3);
});

test('reports the template whose opening agrees longest when the text differs early', () => {
  const otpShort = template('T-OTP-SHORT', 'Your OTP code: {#num#}');
  const orderShort = template('T-ORDER-SHORT', 'Your order {#str#} shipped');
  const result = mismatch(detect([orderShort, otpShort], 'Your OTP was 4821'));
  assert.equal(result.closest.templateId, 'T-OTP-SHORT');
  assert.equal(result.position, 'Your OTP '.length);
});

test('reports the lowest template id when two templates fail at the same position', () => {
  const b = template('T-B', 'Hello {#num#} B');
  const a = template('T-A', 'Hello {#num#} A');
  const result = mismatch(detect([b, a], 'Hello 12 C'));
  assert.equal(result.closest.templateId, 'T-A');
  assert.equal(result.position, 'Hello 12 '.length);
});

test('reports a template opening with a variable that refuses the first character at position 0', () => {
  const result = mismatch(detect([template('T-NUM', '{#num#} is your code')], 'abc is your code'));
  assert.equal(result.closest.templateId, 'T-NUM');
  assert.equal(result.position, 0);
  assert.equal(result.expected, '{#num#}');
});

test('ignores suspended templates', () => {
  const suspended = template('T-OLD', 'Your OTP is {#num#}. Valid for 10 minutes. - DAKIYA', { status: 'suspended' });
  const text = 'Your OTP is 4821. Valid for 10 minutes. - DAKIYA';
  assert.equal(detect([suspended], text).kind, 'none');
  const loose = template('T-LOOSE', 'Your OTP is {#num#}. Valid for {#num#} minutes. - DAKIYA');
  assert.equal(matchedId(detect([suspended, loose], text)), 'T-LOOSE');
});

test("ignores other senders' templates", () => {
  const other = template('T-OTHER', otp.text, { sender: 'OTHERS' });
  const text = 'Your OTP is 4821. Valid for 10 minutes. - DAKIYA';
  assert.equal(detect([other], text).kind, 'none');
  assert.equal(matchedId(detect([other, otp], text)), 'T-OTP');
  assert.equal(matchedId(detect([other, otp], text, 'transactional', 'OTHERS')), 'T-OTHER');
});

test("detects only templates of exactly the request's category", () => {
  const promo = template('T-PROMO', 'Hi {#var#}, flat {#num#}% off today only!', { category: 'promotional' });
  const text = 'Hi Asha, flat 20% off today only!';
  assert.equal(matchedId(detect([promo], text, 'promotional')), 'T-PROMO');
  assert.equal(detect([promo], text, 'transactional').kind, 'none');
  assert.equal(detect([otp], 'Your OTP is 4821. Valid for 10 minutes. - DAKIYA', 'otp').kind, 'none');
});

test('matches Hindi templates and Hindi names in {#str#}', () => {
  const hindi = template('T-HI', 'प्रिय {#str#}, आपका ओटीपी {#num#} है। - DAKIYA');
  assert.equal(matchedId(detect([hindi, otp], 'प्रिय आशा, आपका ओटीपी 4821 है। - DAKIYA')), 'T-HI');
});

test('reports where a Hindi text leaves the closest Hindi template', () => {
  const hindi = template('T-HI', 'आपका ओटीपी {#num#} है। - DAKIYA');
  const result = mismatch(detect([otp, hindi], 'आपका कोड 4821 है। - DAKIYA'));
  assert.equal(result.closest.templateId, 'T-HI');
  assert.equal(result.position, 'आपका '.length);
});

test('matches an emoji inside a {#var#} variable', () => {
  assert.equal(matchedId(detect([template('T-FEST', 'Happy {#var#} from DAKIYA')], 'Happy Diwali 🪔 from DAKIYA')), 'T-FEST');
});

test('answers none when the account has no template for the sender and category', () => {
  assert.equal(detect([], 'anything').kind, 'none');
});

test('sees the templates of a reloaded profile, not those of the array it cached before', () => {
  const text = 'Hi Asha, flat 20% off today only!';
  assert.equal(detect([otp], text).kind, 'mismatch');
  assert.equal(matchedId(detect([otp, template('T-NEW', 'Hi {#var#}, flat {#num#}% off today only!')], text)), 'T-NEW');
});

test('turns no eligible template into ERR_TEMPLATE_REQUIRED naming sender and category', () => {
  const error = detectionError({ kind: 'none' }, 'DAKIYA', 'transactional');
  assert.equal(error.code, 'ERR_TEMPLATE_REQUIRED');
  assert.deepEqual(error.details, { reason: 'no_template', sender: 'DAKIYA', category: 'transactional' });
});

test('turns a tie into ERR_DLT_TEMPLATE_MISMATCH with reason ambiguous and the candidates', () => {
  const detection = detect([template('T-2', otp.text), otp], 'Your OTP is 4821. Valid for 10 minutes. - DAKIYA');
  const error = detectionError(detection as Exclude<TemplateDetection, { kind: 'matched' }>, 'DAKIYA', 'transactional');
  assert.equal(error.code, 'ERR_DLT_TEMPLATE_MISMATCH');
  assert.deepEqual(error.details, { reason: 'ambiguous', sender: 'DAKIYA', category: 'transactional', candidates: ['T-2', 'T-OTP'] });
  assert.match(error.message, /matches 2 DLT templates .*\(T-2, T-OTP\)/);
});

test('turns no match into ERR_DLT_TEMPLATE_MISMATCH naming the closest template and position', () => {
  const detection = detect([otp], 'Your OTP is abcd. Valid for 10 minutes. - DAKIYA');
  const error = detectionError(detection as Exclude<TemplateDetection, { kind: 'matched' }>, 'DAKIYA', 'transactional');
  assert.equal(error.code, 'ERR_DLT_TEMPLATE_MISMATCH');
  assert.deepEqual(error.details, {
    reason: 'no_match', sender: 'DAKIYA', category: 'transactional', template_id: 'T-OTP', position: 12, expected: '{#num#}', found: 'abcd. Valid for 10 m',
  });
  assert.match(error.message, /closest, T-OTP, differs at character 12/);
});

test('answers a matched template id, or null for a recipient that needs none', () => {
  const detector = new TemplateDetector(account, 'DAKIYA', 'transactional', options);
  assert.equal(detector.templateIdFor('Asha, welcome to Dakiya!', true), 'T-WELCOME');
  assert.equal(detector.templateIdFor('Hello there', false), null);
});

test('throws the detection error for a recipient that needs a template', () => {
  const detector = new TemplateDetector(account, 'DAKIYA', 'transactional', options);
  assert.throws(() => detector.templateIdFor('Hello there', true), { code: 'ERR_DLT_TEMPLATE_MISMATCH' });
});

test('detects each distinct text once per detector', () => {
  const detector = new TemplateDetector(account, 'DAKIYA', 'transactional', options);
  const first = detector.detect('Asha, welcome to Dakiya!');
  assert.equal(detector.detect('Asha, welcome to Dakiya!'), first);
});
