import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inferSenderKind, normaliseSenderId, templateSenderKind, validateSenderId } from '../../../src/domain/sender-id.ts';

test('normalising trims whitespace and upper-cases letters', () => {
  assert.equal(normaliseSenderId('  techTo \n'), 'TECHTO');
});

test('normalising leaves digits alone', () => {
  assert.equal(normaliseSenderId(' 123456 '), '123456');
});

test('accepts six capital letters as a DLT header', () => {
  assert.equal(validateSenderId('TECHTO', 'dlt-header'), undefined);
});

test('rejects a DLT header of five letters', () => {
  assert.match(validateSenderId('TECHT', 'dlt-header') ?? '', /exactly 6/);
});

test('rejects a DLT header of seven letters', () => {
  assert.match(validateSenderId('TECHTOS', 'dlt-header') ?? '', /exactly 6/);
});

test('rejects a DLT header containing a digit', () => {
  assert.match(validateSenderId('TECH01', 'dlt-header') ?? '', /capital letters/);
});

test('rejects a DLT header in lower case, which must be normalised first', () => {
  assert.match(validateSenderId('techto', 'dlt-header') ?? '', /capital letters/);
});

test('accepts six digits as a promotional numeric header', () => {
  assert.equal(validateSenderId('567890', 'numeric-header'), undefined);
});

test('rejects a numeric header containing a letter', () => {
  assert.match(validateSenderId('56789A', 'numeric-header') ?? '', /digits/);
});

test('rejects a numeric header of five digits', () => {
  assert.match(validateSenderId('56789', 'numeric-header') ?? '', /exactly 6/);
});

test('accepts an eleven-character alphanumeric international sender', () => {
  assert.equal(validateSenderId('TechToCloud', 'international'), undefined);
});

test('rejects a twelve-character alphanumeric international sender', () => {
  assert.match(validateSenderId('TechToClouds', 'international') ?? '', /3 to 11/);
});

test('rejects a two-character international sender', () => {
  assert.match(validateSenderId('TT', 'international') ?? '', /3 to 11/);
});

test('accepts a fifteen-digit numeric international sender', () => {
  assert.equal(validateSenderId('447400123456789', 'international'), undefined);
});

test('rejects a sixteen-digit numeric international sender', () => {
  assert.match(validateSenderId('4474001234567890', 'international') ?? '', /3 to 15 digits/);
});

test('rejects punctuation in an international sender', () => {
  assert.match(validateSenderId('Tech-To', 'international') ?? '', /only letters/);
});

test('a sender registered without a kind gets the kind its shape shows', () => {
  assert.equal(inferSenderKind('TECHTO'), 'dlt-header');
  assert.equal(inferSenderKind('123456'), 'numeric-header');
  assert.equal(inferSenderKind('ACME Ltd'), 'international');
});

test('promotional templates need numeric headers and every other category letter headers', () => {
  assert.equal(templateSenderKind('promotional'), 'numeric-header');
  assert.equal(templateSenderKind('otp'), 'dlt-header');
  assert.equal(templateSenderKind('service_explicit'), 'dlt-header');
});
