// micro/smpp-codec: the SMPP codec's throughput on one core (PDUs/s): encode() and encodeInto()
// of a typical submit_sm (160-octet GSM-7 short_message, DLT PE id and template id as vendor
// TLVs 0x1400/0x1401), decode() of the same, and the PduReader framing and decoding a stream of
// them (64 KiB chunks, PDUs split across chunks). Target ≥ 1,000,000/s for encode and decode.
import { decode, encode, encodedLength, encodeInto, PduReader } from '../../src/protocols/smpp/index.ts';
import { opsPerSecond } from '../lib/micro-timer.mjs';
import { round, runBench } from '../lib/report.mjs';

const text = Buffer.from('Dear Asha, your order 482913 has been shipped and will reach you soon. Track it at https://dky.in/t/482913 - DAKIYA. Reply STOP to opt out of all updates now!!!', 'latin1');
if (text.length !== 160) throw new Error(`the bench text is ${text.length} octets, not 160`);

const pdus = Array.from({ length: 1000 }, (_, i) => ({
  command: 'submit_sm',
  sequence_number: i + 1,
  source_addr_ton: 5,
  source_addr_npi: 0,
  source_addr: 'DAKIYA',
  dest_addr_ton: 1,
  dest_addr_npi: 1,
  destination_addr: String(919_100_000_000 + i),
  registered_delivery: 1,
  data_coding: 0,
  short_message: text,
  tlvs: { '0x1400': '1101234567890123456', '0x1401': '1107161234567890123' },
}));
const encoded = pdus.map((p) => encode(p));
const stream = Buffer.concat(encoded);
const chunks = [];
for (let off = 0; off < stream.length; off += 65_536) chunks.push(stream.subarray(off, off + 65_536));

const slab = Buffer.allocUnsafe(16 * 1024);
let at = 0;
const into = (p) => {
  const n = encodedLength(p);
  if (at + n > slab.length) at = 0;
  encodeInto(p, slab, at, n);
  at += n;
  return n;
};

let framed = 0;
const reader = new PduReader({ onPdu: () => { framed++; }, onInvalid: () => { throw new Error('invalid'); }, onFatal: () => { throw new Error('fatal'); } });
const readStream = () => {
  for (const c of chunks) reader.push(c);
  return framed;
};

await runBench('smpp-codec', 60_000, async () => {
  const enc = opsPerSecond((p) => encode(p), pdus);
  const encInto = opsPerSecond(into, pdus);
  const dec = opsPerSecond((b) => decode(b), encoded);
  // One op here is a whole stream of 1000 PDUs.
  const read = opsPerSecond(readStream, [0]) * pdus.length;
  return [
    { metric: 'encode_submit_sm_per_s', value: round(enc), unit: 'pdu/s' },
    { metric: 'encode_into_submit_sm_per_s', value: round(encInto), unit: 'pdu/s' },
    { metric: 'decode_submit_sm_per_s', value: round(dec), unit: 'pdu/s' },
    { metric: 'reader_submit_sm_per_s', value: round(read), unit: 'pdu/s' },
  ];
});
