import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Metrics } from '../../../src/observability/metrics.ts';

test('the queue depth gauge shows the store\'s count of waiting messages per lane', async () => {
  const metrics = new Metrics(async () => ({ transactional: 3, bulk: 50_000 }), 0);
  const text = await metrics.registry.metrics();
  assert.match(text, /^dakiya_messages_waiting\{lane="transactional"\} 3$/m);
  assert.match(text, /^dakiya_messages_waiting\{lane="bulk"\} 50000$/m);
});

test('frequent scrapes count the queue at most once per refresh interval', async () => {
  let counts = 0;
  const metrics = new Metrics(async () => ({ otp: ++counts }), 60_000);
  await metrics.registry.metrics();
  const text = await metrics.registry.metrics();
  assert.equal(counts, 1);
  assert.match(text, /^dakiya_messages_waiting\{lane="otp"\} 1$/m);
});

test('transitions are counted by target state and refunds add up', async () => {
  const metrics = new Metrics();
  metrics.recordTransitions([
    { messageId: 'a', accountId: 'x', from: 'SUBMITTED', to: 'DELIVERED', refunded: 0 },
    { messageId: 'b', accountId: 'x', from: 'SUBMITTED', to: 'FAILED', refunded: 2 },
  ]);
  const text = await metrics.registry.metrics();
  assert.match(text, /^dakiya_message_transitions_total\{to="FAILED"\} 1$/m);
  assert.match(text, /^dakiya_credits_refunded_total 2$/m);
});
