// The TLV table: every SMPP 3.4 §5.3.2 parameter decodes to its spec name with its value type.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decode, encode, TLV_TAGS, type TlvName } from '../../../../src/protocols/smpp/index.ts';
import { fromHex, pduHex } from './hex.ts';

const valueHex = { int1: '07', int2: '0102', int4: '01020304', cstring: '616200', octets: 'aabbcc' } as const;
const expected = { int1: 7, int2: 0x0102, int4: 0x01020304, cstring: 'ab', octets: Buffer.from([0xaa, 0xbb, 0xcc]) } as const;

for (const name of Object.keys(TLV_TAGS) as TlvName[]) {
  const { tag, type } = TLV_TAGS[name];
  test(`reads TLV 0x${tag.toString(16).padStart(4, '0')} as ${name}, a ${type}, and writes it back`, () => {
    const value = valueHex[type];
    const bytes = fromHex(pduHex(0x80000015, 0, 1, tag.toString(16).padStart(4, '0'), (value.length / 2).toString(16).padStart(4, '0'), value));
    const pdu = decode(bytes);
    assert.deepEqual(pdu.tlvs, { [name]: expected[type] });
    assert.deepEqual(encode(pdu), bytes);
  });
}

test('names the tags the spec gives for receipts and segmentation', () => {
  assert.equal(TLV_TAGS.receipted_message_id.tag, 0x001e);
  assert.equal(TLV_TAGS.message_state.tag, 0x0427);
  assert.equal(TLV_TAGS.network_error_code.tag, 0x0423);
  assert.equal(TLV_TAGS.message_payload.tag, 0x0424);
  assert.equal(TLV_TAGS.sar_msg_ref_num.tag, 0x020c);
  assert.equal(TLV_TAGS.sar_total_segments.tag, 0x020e);
  assert.equal(TLV_TAGS.sar_segment_seqnum.tag, 0x020f);
});
