// GET /v1/batches/:id/report: a batch's messages streamed as CSV or NDJSON, one store page at a time,
// written only as fast as the client reads (the whole batch is never in memory).
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { DakiyaError } from '../../../domain/errors.ts';
import { isReportFormatName, type ReportFormatName, reportFormats } from '../../../services/report-formats.ts';
import { reportRow } from '../../../services/report-rows.ts';
import type { BatchReport } from '../../../services/report-service.ts';

const acceptable = new Map<string, ReportFormatName>([['text/csv', 'csv'], ['application/x-ndjson', 'ndjson']]);

/** `?format=` wins; else the Accept header's preferred type among ours (by q, then order); else CSV. */
export function chooseReportFormat(format: string | undefined, accept: string | undefined): ReportFormatName {
  if (format !== undefined) {
    const name = format.toLowerCase();
    if (!isReportFormatName(name)) throw new DakiyaError('ERR_INVALID_REQUEST', 'format must be csv or ndjson', { field: 'format' });
    return name;
  }
  let best: ReportFormatName = 'csv';
  let bestQ = 0;
  for (const range of (accept ?? '').split(',')) {
    const [type = '', ...params] = range.split(';').map((p) => p.trim().toLowerCase());
    const name = acceptable.get(type);
    const q = params.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (name !== undefined && weight > bestQ) {
      best = name;
      bestQ = weight;
    }
  }
  return best;
}

/**
 * Sends the report. Not-found and the first page's store errors are thrown before anything is
 * written, so they are answered as usual errors. After the status line, a failure (the store
 * becoming unreachable) destroys the connection: the chunked body then lacks its terminator and
 * every HTTP/1.1 client reports the download as failed instead of taking a truncated file for a
 * complete one. `onCutShort` hears about that failure (it cannot be answered any more).
 */
export async function streamBatchReport(reply: FastifyReply, report: BatchReport, name: ReportFormatName, onCutShort: (error: unknown) => void): Promise<void> {
  const format = reportFormats[name];
  const { batch, pages } = report;
  const headOnly = reply.request.method === 'HEAD';
  let page = headOnly ? undefined : await pages.next();
  reply.hijack();
  const res = reply.raw;
  // Headers set through the reply so far (the rate limit's) are Fastify's to send, not ours, once hijacked.
  for (const [header, value] of Object.entries(reply.getHeaders())) if (value !== undefined) res.setHeader(header, value);
  res.writeHead(200, {
    'content-type': format.contentType,
    'content-disposition': `attachment; filename="batch-${batch.id}.${format.extension}"`,
    'cache-control': 'no-store',
  });
  if (page === undefined) {
    res.end();
    return;
  }
  const out = new PacedWriter(res);
  try {
    let open = await out.write(format.head());
    while (open && !page.done) {
      open = await out.write(format.rows(page.value.map(reportRow)));
      // The next page is read only once this one is handed to the socket, so about one page is in
      // memory at a time however slowly the client reads.
      if (open) page = await pages.next();
    }
    if (open) res.end();
    else await pages.return();
  } catch (error) {
    onCutShort(error);
    res.destroy();
  }
}

/** Writes to a response, waiting for 'drain' whenever write() says the buffer is full. */
class PacedWriter {
  #res: ServerResponse;
  #gone: boolean;

  constructor(res: ServerResponse) {
    this.#res = res;
    // A client that left while the first page was read has already closed it.
    this.#gone = res.destroyed;
    res.once('close', () => { this.#gone = true; });
  }

  /** Resolves false once the client has gone (closed the connection): stop producing then. */
  write(chunk: string): Promise<boolean> {
    if (this.#gone || this.#res.destroyed) return Promise.resolve(false);
    if (chunk === '' || this.#res.write(chunk)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const settle = (open: boolean) => {
        this.#res.off('drain', onDrain).off('close', onClose);
        resolve(open);
      };
      const onDrain = () => settle(true);
      const onClose = () => settle(false);
      this.#res.on('drain', onDrain).on('close', onClose);
    });
  }
}
