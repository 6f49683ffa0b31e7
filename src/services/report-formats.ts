// The formats a batch report is written in: CSV (RFC 4180, safe to open in a spreadsheet) and
// NDJSON (one JSON object per line, values exactly as stored).
import { reportColumns, type ReportRow } from './report-rows.ts';

export interface ReportFormat {
  readonly contentType: string;
  readonly extension: string;
  /** What the body starts with (the CSV header row; nothing for NDJSON). */
  head(): string;
  /** Rows as one chunk, each ending in its line break. */
  rows(rows: readonly ReportRow[]): string;
}

export const reportFormats = {
  csv: {
    contentType: 'text/csv; charset=utf-8',
    extension: 'csv',
    head: () => csvLine(reportColumns),
    rows: (rows) => rows.map((row) => csvLine(reportColumns.map((c) => row[c]))).join(''),
  },
  ndjson: {
    contentType: 'application/x-ndjson',
    extension: 'ndjson',
    head: () => '',
    rows: (rows) => rows.map((row) => `${JSON.stringify(row)}\n`).join(''),
  },
} as const satisfies Record<string, ReportFormat>;

export type ReportFormatName = keyof typeof reportFormats;

export function isReportFormatName(value: string): value is ReportFormatName {
  return Object.hasOwn(reportFormats, value);
}

/** RFC 4180 §2: fields separated by commas, records ended by CRLF. */
function csvLine(values: readonly (string | number | null)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

// Excel, LibreOffice and Google Sheets run a cell that starts with one of these as a formula
// (OWASP "CSV injection"), e.g. a correlation_id of =HYPERLINK("https://evil","click").
const formulaStart = /^[=+\-@\t\r]/;
// …but a plain number is no formula worth fearing: +919876543210 or -42 evaluates to itself, so it
// is left alone rather than turned into text the customer did not write.
const plainNumber = /^[+-]?\d+(?:\.\d+)?$/;
// RFC 4180 §2.6: a field holding a quote, a comma or a line break is quoted.
const needsQuotes = /[",\r\n]/;

/**
 * One field: null is empty; a text starting like a formula gets a leading apostrophe (which a
 * spreadsheet shows as text and hides) unless it is a plain number; then RFC 4180 quoting, with
 * inner quotes doubled (§2.7).
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = formulaStart.test(value) && !plainNumber.test(value) ? `'${value}` : value;
  return needsQuotes.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
