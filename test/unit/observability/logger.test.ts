import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger, maskPhones, redactUrl } from '../../../src/observability/logger.ts';

function capture(redact: boolean): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const log = createLogger({ level: 'info', redact, destination: { write: (s: string) => { lines.push(s); } } });
  return { lines, log };
}

test('phone numbers in log messages are masked', () => {
  const { lines, log } = capture(true);
  log.info('sending to 919876543210 and +14155550123');
  assert.doesNotMatch(lines[0]!, /919876543210|14155550123/);
  assert.match(lines[0]!, /9198\*{6}10/);
});

test('recipients, bodies and keys in logged objects are censored', () => {
  const { lines, log } = capture(true);
  log.info({ to: '919876543210', body: 'Your OTP is 123456', api_key: 'dk_live_secret', nested: { message: 'hi', token: 't' } }, 'event');
  const entry = JSON.parse(lines[0]!) as Record<string, any>;
  assert.equal(entry.to, '[redacted]');
  assert.equal(entry.body, '[redacted]');
  assert.equal(entry.api_key, '[redacted]');
  assert.equal(entry.nested.message, '[redacted]');
  assert.equal(entry.nested.token, '[redacted]');
  assert.equal(entry.msg, 'event');
});

test('secrets and numbers in request URLs are redacted', () => {
  assert.equal(redactUrl('/smsapi/index?key=abc&contacts=9876543210&routeid=2'), '/smsapi/index?key=%5Bredacted%5D&contacts=%5Bredacted%5D&routeid=2');
  assert.equal(redactUrl('/v1/messages?access_token=dk_live_x'), '/v1/messages?access_token=%5Bredacted%5D');
  assert.equal(redactUrl('/miscapi/919876543210/getBalance'), '/miscapi/9198******10/getBalance');
});

test('short digit runs such as amounts and codes are left alone by the phone mask', () => {
  assert.equal(maskPhones('order 12345 of 999'), 'order 12345 of 999');
});

test('redaction can be switched off for local debugging', () => {
  const { lines, log } = capture(false);
  log.info({ to: '919876543210' }, 'x');
  assert.equal(JSON.parse(lines[0]!).to, '919876543210');
});
