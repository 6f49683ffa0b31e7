// A message's timeline read off its stored row: only the steps that happened, each once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message } from '../../../src/domain/message.ts';
import { messageTimeline } from '../../../src/domain/message-timeline.ts';

const created = Date.parse('2026-05-30T04:53:00.000Z');

function row(changes: Partial<Message>): Message {
  return {
    id: '019e773a-73e0-7003-8e8b-41492fc07298', accountId: 'acc', batchId: null, routeId: 'transactional', category: 'transactional',
    lane: 'transactional', recipient: '919876543210', sender: 'DAKIYA', body: 'Hello', templateId: 'T-PLAIN-1', encoding: 'GSM7',
    segments: 1, flash: false, credits: 1, status: 'QUEUED', errorCode: null, correlationId: null, dueAt: created, scheduledAt: null,
    expiresAt: created + 86_400_000, createdAt: created, submittedAt: null, doneAt: null, carrierId: null, attempts: 0,
    ...changes,
  };
}

test('shows a queued message as accepted only', () => {
  assert.deepEqual(messageTimeline(row({})), [{ step: 'accepted', status: 'QUEUED', at: created, scheduledAt: null }]);
});

test('shows a message claimed by a worker (DISPATCHING) as accepted only', () => {
  assert.deepEqual(messageTimeline(row({ status: 'DISPATCHING' })).map((s) => s.step), ['accepted']);
});

test('shows a scheduled message as accepted SCHEDULED with the time it is due', () => {
  const at = created + 3_600_000;
  assert.deepEqual(messageTimeline(row({ status: 'SCHEDULED', scheduledAt: at, dueAt: at })), [{ step: 'accepted', status: 'SCHEDULED', at: created, scheduledAt: at }]);
});

test('adds the submission with its carrier id', () => {
  const steps = messageTimeline(row({ status: 'SUBMITTED', submittedAt: created + 5, carrierId: 'SBX1F' }));
  assert.deepEqual(steps[1], { step: 'submitted', status: 'SUBMITTED', at: created + 5, carrierId: 'SBX1F' });
  assert.equal(steps.length, 2);
});

test('ends a delivered message with a final step without error', () => {
  const steps = messageTimeline(row({ status: 'DELIVERED', submittedAt: created + 5, carrierId: 'SBX1F', doneAt: created + 900 }));
  assert.deepEqual(steps.map((s) => s.status), ['QUEUED', 'SUBMITTED', 'DELIVERED']);
  assert.deepEqual(steps[2], { step: 'final', status: 'DELIVERED', at: created + 900, errorCode: null, errorDescription: null });
});

test('ends a failed message with its error code and the catalogue\'s description', () => {
  const steps = messageTimeline(row({ status: 'FAILED', submittedAt: created + 5, carrierId: 'SBX1F', doneAt: created + 900, errorCode: 'ERR_NUMBER_INACTIVE' }));
  assert.deepEqual(steps[2], {
    step: 'final', status: 'FAILED', at: created + 900, errorCode: 'ERR_NUMBER_INACTIVE',
    errorDescription: 'The mobile number is deactivated; remove it from your list.',
  });
});

test('goes straight from accepted to final for a message refused at submission', () => {
  const steps = messageTimeline(row({ status: 'REJECTED', doneAt: created + 5, errorCode: 'ERR_CARRIER_REJECTED' }));
  assert.deepEqual(steps.map((s) => s.step), ['accepted', 'final']);
});

test('shows no step for the transient error of a message waiting for its retry', () => {
  assert.deepEqual(messageTimeline(row({ errorCode: 'ERR_CARRIER_UNAVAILABLE', attempts: 1 })).map((s) => s.step), ['accepted']);
});

test('describes a code no longer in the catalogue as null rather than failing', () => {
  const steps = messageTimeline(row({ status: 'FAILED', doneAt: created + 5, errorCode: 'ERR_RETIRED_CODE' }));
  assert.equal(steps[1]?.step === 'final' && steps[1].errorDescription, null);
});
