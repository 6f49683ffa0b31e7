// Status names: the spec's, both ways.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandStatus, statusName } from '../../../../src/protocols/smpp/index.ts';

test('names the statuses by their spec names and values', () => {
  assert.equal(CommandStatus.ESME_RTHROTTLED, 0x58);
  assert.equal(CommandStatus.ESME_RMSGQFUL, 0x14);
  assert.equal(CommandStatus.ESME_RX_T_APPN, 0x64);
  assert.equal(statusName(0x58), 'ESME_RTHROTTLED');
  assert.equal(statusName(0), 'ESME_ROK');
});

test('gives a hex name to a status the spec does not define', () => {
  assert.equal(statusName(0x401), '0x00000401');
});

test('has one name per value', () => {
  const values = Object.values(CommandStatus);
  assert.equal(new Set(values).size, values.length);
});
