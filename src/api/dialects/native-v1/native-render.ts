// Response bodies of the native /v1 dialect (the shapes other issues and customers rely on).
import { errorDescription } from '../../../domain/errors.ts';
import { type Message, publicStatus } from '../../../domain/message.ts';
import { messageTimeline, type TimelineStep } from '../../../domain/message-timeline.ts';
import type { Balance, Batch } from '../../../store/store.ts';
import type { Prepared } from '../../../services/send-service.ts';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function renderSend(p: Prepared, testMode: boolean): Record<string, unknown> {
  const m = p.messages[0]!;
  return {
    status: 'accepted',
    message_id: testMode ? null : m.id,
    to: m.recipient,
    channel: 'sms',
    segments: m.segments,
    encoding: m.encoding,
    credits_debited: testMode ? 0 : m.credits,
    timestamp: new Date(p.createdAt).toISOString(),
    ...(m.correlationId !== null && { correlation_id: m.correlationId }),
    ...(p.scheduled && { scheduled_at: iso(p.dueAt) }),
    ...(testMode && { test_mode: true, credits_estimated: m.credits, ...sufficiency(p) }),
  };
}

export function renderBulk(p: Prepared, total: number, testMode: boolean): Record<string, unknown> {
  return {
    status: 'accepted',
    batch_id: testMode ? null : p.batchId,
    total_recipients: total,
    accepted_recipients: p.messages.length,
    rejected: renderRejected(p),
    estimated_credits: p.debit,
    scheduled_at: p.scheduled ? iso(p.dueAt) : null,
    ...(testMode && { test_mode: true, ...sufficiency(p) }),
  };
}

/** Whether a live send would have been covered: test_mode and estimates say so instead of a 402. */
function sufficiency(p: Prepared) {
  return p.availableCredits === undefined ? {} : { available_credits: p.availableCredits, sufficient_credits: p.availableCredits >= p.debit };
}

function renderRejected(p: Prepared) {
  return p.rejected.map((r) => ({ index: r.index, to: r.to, error_code: r.error.code, message: r.error.message }));
}

export function renderEstimate(p: Prepared, total: number): Record<string, unknown> {
  const encodings = new Set(p.messages.map((m) => m.encoding));
  return {
    status: 'ok',
    route: p.route.id,
    total_recipients: total,
    valid_recipients: p.messages.length,
    segments: p.messages.reduce((n, m) => n + m.segments, 0),
    encoding: encodings.size === 1 ? [...encodings][0] : 'MIXED',
    credits: p.debit,
    price_per_segment: p.route.pricePerSegment,
    ...sufficiency(p),
    scheduled_at: p.scheduled ? iso(p.dueAt) : null,
    recipients: p.messages.map((m) => ({ to: m.recipient, segments: m.segments, encoding: m.encoding, credits: m.credits })),
    rejected: renderRejected(p),
  };
}

export function renderMessage(m: Message): Record<string, unknown> {
  const status = publicStatus(m.status);
  return {
    message_id: m.id,
    status,
    to: m.recipient,
    sender: m.sender,
    channel: 'sms',
    category: m.category,
    route: m.routeId,
    template_id: m.templateId,
    segments: m.segments,
    encoding: m.encoding,
    flash: m.flash,
    credits: m.credits,
    error_code: m.errorCode,
    error_description: errorDescription(m.errorCode),
    correlation_id: m.correlationId,
    batch_id: m.batchId,
    created_at: iso(m.createdAt),
    scheduled_at: iso(m.scheduledAt),
    submitted_at: iso(m.submittedAt),
    delivered_at: m.status === 'DELIVERED' ? iso(m.doneAt) : null,
    completed_at: iso(m.doneAt),
    expires_at: iso(m.expiresAt),
    latency_ms: m.status === 'DELIVERED' && m.doneAt !== null ? m.doneAt - m.createdAt : null,
    timeline: messageTimeline(m).map(renderStep),
  };
}

/** `step`, `status` and `at` on every step, then what that step adds. */
function renderStep(s: TimelineStep): Record<string, unknown> {
  const head = { step: s.step, status: s.status, at: iso(s.at) };
  switch (s.step) {
    case 'accepted': return s.status === 'SCHEDULED' ? { ...head, scheduled_at: iso(s.scheduledAt) } : head;
    case 'submitted': return { ...head, carrier_id: s.carrierId };
    case 'final': return { ...head, error_code: s.errorCode, error_description: s.errorDescription };
  }
}

export function renderBatch(b: Batch): Record<string, unknown> {
  const counts: Record<string, number> = {};
  let pending = 0;
  for (const [status, n] of Object.entries(b.counts)) {
    const shown = publicStatus(status as Message['status']);
    counts[shown] = (counts[shown] ?? 0) + n;
    if (['QUEUED', 'SCHEDULED', 'DISPATCHING', 'SUBMITTED'].includes(status)) pending += n;
  }
  return {
    batch_id: b.id,
    route: b.routeId,
    total_recipients: b.totalRecipients,
    accepted_recipients: b.acceptedRecipients,
    counts,
    completed: pending === 0,
    created_at: iso(b.createdAt),
    scheduled_at: iso(b.scheduledAt),
  };
}

export function renderBalances(balances: Balance[]): Record<string, unknown> {
  return { status: 'ok', balances: balances.map((b) => ({ route: b.routeId, credits: b.balance })) };
}
