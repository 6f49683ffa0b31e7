// A customer's submit_sm read into a send request: the DLT TLVs (template id and principal entity id).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeSubmit, SubmitRefused, toSendRequest } from '../../../src/api/smpp-server/smpp-submit.ts';
import { CommandStatus } from '../../../src/protocols/smpp/index.ts';
import type { SubmitSm } from '../../../src/protocols/smpp/index.ts';
import type { SmppUser } from '../../../src/domain/smpp-user.ts';

const options = { defaultAlphabet: 'gsm7', templateIdKey: '0x1401', entityIdKey: '0x1400' } as const;
const user: SmppUser = { systemId: 'acme', accountId: 'a1', ipAllowlist: [], maxBinds: 1, route: 'transactional', enabled: true, createdAt: 0, updatedAt: 0 };

function submit(tlvs: Record<string, unknown>): SubmitSm {
  return {
    command: 'submit_sm', command_status: 0, sequence_number: 1, service_type: '', source_addr_ton: 5, source_addr_npi: 0, source_addr: 'DAKIYA',
    dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '919876543210', esm_class: 0, protocol_id: 0, priority_flag: 0, schedule_delivery_time: '',
    validity_period: '', registered_delivery: 0, replace_if_present_flag: 0, data_coding: 0, sm_default_msg_id: 0, short_message: Buffer.from('Hello'),
    tlvs,
  } as SubmitSm;
}

test('the PE id and template id TLVs travel into the send request', () => {
  const d = decodeSubmit(submit({ '0x1400': Buffer.from('1201159000000000077\0'), '0x1401': Buffer.from('T-1\0') }), options, 0);
  assert.deepEqual([d.entityId, d.templateId], ['1201159000000000077', 'T-1']);
  const request = toSendRequest(d, 'Hello', user, undefined);
  assert.deepEqual([request.entityId, request.templateId], ['1201159000000000077', 'T-1']);
  const none = toSendRequest(decodeSubmit(submit({}), options, 0), 'Hello', user, undefined);
  assert.equal('entityId' in none, false, 'without the TLV the message goes under its template\'s or the connector\'s');
});

test('a PE id TLV that is not 1-30 digits is refused with ESME_RINVOPTPARAMVAL', () => {
  for (const value of ['12AB', '1'.repeat(31)]) {
    assert.throws(() => decodeSubmit(submit({ '0x1400': Buffer.from(`${value}\0`) }), options, 0),
      (e: unknown) => e instanceof SubmitRefused && e.command_status === CommandStatus.ESME_RINVOPTPARAMVAL);
  }
});
