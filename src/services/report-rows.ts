// A batch report's columns and the row a message becomes: what the customer sees of each message,
// the same in every format (CSV, NDJSON).
import { errorDescription } from '../domain/errors.ts';
import { type Message, publicStatus } from '../domain/message.ts';

export const reportColumns = [
  'id', 'to', 'sender', 'status', 'error_code', 'error_description', 'segments', 'credits', 'correlation_id',
  'created_at', 'submitted_at', 'done_at', 'carrier_id',
] as const;
export type ReportColumn = (typeof reportColumns)[number];

/** Counts are numbers, times ISO 8601 UTC with milliseconds, absent values null. */
export type ReportRow = { readonly [C in ReportColumn]: string | number | null };

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function reportRow(m: Message): ReportRow {
  return {
    id: m.id,
    to: m.recipient,
    sender: m.sender,
    status: publicStatus(m.status),
    error_code: m.errorCode,
    error_description: errorDescription(m.errorCode),
    segments: m.segments,
    credits: m.credits,
    correlation_id: m.correlationId,
    created_at: iso(m.createdAt),
    submitted_at: iso(m.submittedAt),
    done_at: iso(m.doneAt),
    carrier_id: m.carrierId,
  };
}
