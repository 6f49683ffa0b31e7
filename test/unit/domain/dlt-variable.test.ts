import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateVariable, type DltVariableType } from '../../../src/domain/dlt-template.ts';

const max = 30;

function accepts(type: DltVariableType, values: readonly string[]): void {
  for (const value of values) assert.equal(validateVariable(type, value, max), undefined, `${type} should accept ${JSON.stringify(value)}`);
}

function rejects(type: DltVariableType, values: readonly string[]): void {
  for (const value of values) assert.notEqual(validateVariable(type, value, max), undefined, `${type} should reject ${JSON.stringify(value)}`);
}

test('rejects an empty value for every type, {#var#} included', () => {
  for (const type of ['var', 'num', 'str', 'url', 'date', 'amount'] as const) {
    assert.equal(validateVariable(type, '', max), `A {#${type}#} variable may not be empty.`);
  }
});

test('rejects a value longer than the maximum variable length', () => {
  assert.equal(validateVariable('var', 'x'.repeat(31), max), 'A {#var#} variable may be at most 30 characters; this one has 31.');
});

test('accepts a value exactly at the maximum variable length', () => {
  assert.equal(validateVariable('num', '1'.repeat(30), max), undefined);
});

test('lets {#var#} hold any text, line breaks included', () => {
  accepts('var', ['a\nb', 'Rs. 50 off!', '😀', 'नमस्ते']);
});

test('refuses a line break in every type but {#var#}', () => {
  assert.match(validateVariable('str', 'a\nb', max) ?? '', /line break; only \{#var#\} may/);
});

test('accepts ASCII digits as {#num#}', () => {
  accepts('num', ['0', '123456', '007']);
});

test('rejects signs, decimals, spaces and non-ASCII digits in {#num#}', () => {
  rejects('num', ['-1', '1.5', '12 34', '१२३', '１２３']);
});

test("accepts letters, digits, spaces and - _ . , / & ' @ # as {#str#}", () => {
  accepts('str', ["Ravi Kumar", "A/c XX1234", "O'Brien & Sons", 'Flat #4, Sector-5', 'ravi_k@upi', 'Order no. 12']);
});

test('accepts Indian-script letters with their vowel signs as {#str#}', () => {
  accepts('str', ['रवि कुमार', 'சென்னை']);
});

test('rejects other punctuation and emoji in {#str#}', () => {
  rejects('str', ['50% off!', 'a<b>', 'hi 😀', 'x:y']);
});

test('accepts http, https and bare-domain URLs as {#url#}', () => {
  accepts('url', ['https://techto.in/a?b=c', 'http://example.com', 'techto.in/x/y', 'www.techto.co.in', 'HTTPS://A.IN:8443/p']);
});

test('rejects spaces, single labels, numeric TLDs and user-info hosts in {#url#}', () => {
  rejects('url', ['techto .in', 'localhost/x', 'Rs.500', 'https://user@evil.com', 'https://-bad.com', 'http://', 'a.b']);
});

test('accepts the Indian and ISO date forms as {#date#}', () => {
  accepts('date', ['05-06-2026', '05/06/2026', '05.06.2026', '2026-06-05', '05 Jun 2026', '05-Jun-2026', '5-6-2026', '29-02-2028']);
});

test('accepts a date followed by a 24-hour or 12-hour time as {#date#}', () => {
  accepts('date', ['05-06-2026 14:30', '05-06-2026 14:30:59', '05 Jun 2026 02:30 PM', '2026-06-05 9:05am']);
});

test('rejects impossible dates and times in {#date#}', () => {
  rejects('date', ['31-02-2026', '29-02-2026', '00-01-2026', '05-13-2026', '05-06-2026 24:00', '05-06-2026 13:00 PM', '05 Jux 2026']);
});

test('rejects mixed separators and two-digit years in {#date#}', () => {
  rejects('date', ['05-06/2026', '05-06-26', '2026/06/05']);
});

test('accepts rupee amounts with currency, separators and paise as {#amount#}', () => {
  accepts('amount', ['500', '1,500.00', '₹1,00,000', '₹ 12,34,567.89', 'Rs.500', 'Rs. 500/-', 'INR 1,234,567.5', 'rs 20']);
});

test('rejects misplaced separators, three decimals and foreign currency in {#amount#}', () => {
  rejects('amount', ['1,0000', '5,00', '1.234', '$500', 'Rs.', '₹', ' 500', '500 Rs']);
});
