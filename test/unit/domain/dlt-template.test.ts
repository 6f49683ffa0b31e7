import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildFromTemplate,
  matchTemplate,
  parseTemplate,
  variableCount,
  type TemplateMatch,
} from '../../../src/domain/dlt-template.ts';

const options = { maxVariableLength: 30 };
const otp = parseTemplate('Your OTP is {#num#}. Valid 60 sec. - TechTo');

function mismatch(result: TemplateMatch): Extract<TemplateMatch, { ok: false }> {
  assert.equal(result.ok, false);
  return result as Extract<TemplateMatch, { ok: false }>;
}

test('parses a template into literal and variable parts', () => {
  assert.deepEqual(otp, [
    { kind: 'literal', text: 'Your OTP is ' },
    { kind: 'variable', type: 'num' },
    { kind: 'literal', text: '. Valid 60 sec. - TechTo' },
  ]);
});

test('parses all six variable tags', () => {
  const parts = parseTemplate('{#var#}{#num#}{#str#}{#url#}{#date#}{#amount#}');
  assert.deepEqual(parts.map((p) => (p.kind === 'variable' ? p.type : p.text)), ['var', 'num', 'str', 'url', 'date', 'amount']);
});

test('reads variable tags case-insensitively', () => {
  assert.deepEqual(parseTemplate('{#NUM#}{#Var#}'), [{ kind: 'variable', type: 'num' }, { kind: 'variable', type: 'var' }]);
});

test('keeps unknown and malformed tags as literal text', () => {
  assert.deepEqual(parseTemplate('a {#foo#} {# num #} {#num} b'), [{ kind: 'literal', text: 'a {#foo#} {# num #} {#num} b' }]);
});

test('finds a tag right after a stray opening brace', () => {
  assert.deepEqual(parseTemplate('{#{#num#}'), [{ kind: 'literal', text: '{#' }, { kind: 'variable', type: 'num' }]);
});

test('parses an empty template to no parts', () => {
  assert.deepEqual(parseTemplate(''), []);
});

test('counts the variables of a template', () => {
  assert.equal(variableCount(parseTemplate('Hi {#str#}, pay {#amount#} by {#date#}.')), 3);
});

test('matches a text that fills the template and returns the variables', () => {
  assert.deepEqual(matchTemplate(otp, 'Your OTP is 482913. Valid 60 sec. - TechTo', options), { ok: true, variables: ['482913'] });
});

test('matches a banking template with several typed variables', () => {
  const parts = parseTemplate('Dear {#str#}, your A/c {#str#} is debited by {#amount#} on {#date#}. Avl bal {#amount#} - TechTo');
  const text = 'Dear Ravi, your A/c XX1234 is debited by Rs. 1,500.00 on 05-06-2026 10:15 AM. Avl bal ₹12,34,567.89 - TechTo';
  assert.deepEqual(matchTemplate(parts, text, options), {
    ok: true,
    variables: ['Ravi', 'XX1234', 'Rs. 1,500.00', '05-06-2026 10:15 AM', '₹12,34,567.89'],
  });
});

test('ends a URL variable before a full stop that the template supplies', () => {
  const result = matchTemplate(parseTemplate('Track at {#url#}.'), 'Track at https://techto.in/t/ab12.', options);
  assert.deepEqual(result, { ok: true, variables: ['https://techto.in/t/ab12'] });
});

test('splits adjacent variables leftmost-shortest', () => {
  assert.deepEqual(matchTemplate(parseTemplate('{#num#}{#num#}'), '123456', options), { ok: true, variables: ['1', '23456'] });
});

test('gives an earlier variable more only when the rest cannot fit otherwise', () => {
  const result = matchTemplate(parseTemplate('{#var#}{#var#}'), 'x'.repeat(40), options);
  assert.deepEqual(result, { ok: true, variables: ['x'.repeat(10), 'x'.repeat(30)] });
});

test('matches an empty template against an empty text', () => {
  assert.deepEqual(matchTemplate([], '', options), { ok: true, variables: [] });
});

test('compares literal text case-sensitively', () => {
  const result = mismatch(matchTemplate(otp, 'your OTP is 482913. Valid 60 sec. - TechTo', options));
  assert.deepEqual([result.position, result.expected], [0, 'literal "Your OTP is "']);
});

test('compares literal whitespace exactly', () => {
  const result = mismatch(matchTemplate(otp, 'Your OTP is 482913.  Valid 60 sec. - TechTo', options));
  assert.equal(result.position, 20);
});

test('points at the first differing character inside a literal, past the variable', () => {
  const result = mismatch(matchTemplate(otp, 'Your OTP is 4829. Valid 90 sec. - TechTo', options));
  assert.deepEqual(result, {
    ok: false,
    position: 24,
    expected: 'literal "60 sec. - TechTo"',
    found: '90 sec. - TechTo',
    reason: 'The text differs from the template here, which continues with "60 sec. - TechTo".',
  });
});

test('explains a variable whose characters do not fit its type', () => {
  const result = mismatch(matchTemplate(otp, 'Your OTP is abc123. Valid 60 sec. - TechTo', options));
  assert.deepEqual(
    [result.position, result.expected, result.reason],
    [12, '{#num#}', 'A {#num#} variable may contain only the digits 0-9.'],
  );
});

test('explains a variable whose characters fit but whose format does not', () => {
  const result = mismatch(matchTemplate(parseTemplate('Due on {#date#}.'), 'Due on 31-02-2026.', options));
  assert.deepEqual([result.position, result.expected], [7, '{#date#}']);
  assert.match(result.reason, /must be a real date/);
});

test('explains a variable longer than the maximum length', () => {
  const result = mismatch(matchTemplate(otp, `Your OTP is ${'4'.repeat(31)}. Valid 60 sec. - TechTo`, options));
  assert.deepEqual([result.position, result.reason], [42, 'A {#num#} variable may be at most 30 characters.']);
});

test('refuses an empty variable', () => {
  const result = mismatch(matchTemplate(otp, 'Your OTP is . Valid 60 sec. - TechTo', options));
  assert.deepEqual([result.position, result.expected], [12, '{#num#}']);
});

test('refuses a line break inside a typed variable', () => {
  const result = mismatch(matchTemplate(parseTemplate('Hi {#str#}!'), 'Hi Ravi\nKumar!', options));
  assert.equal(result.position, 7);
});

test('accepts a line break inside {#var#}', () => {
  assert.deepEqual(matchTemplate(parseTemplate('Hi {#var#}!'), 'Hi Ravi\nKumar!', options), { ok: true, variables: ['Ravi\nKumar'] });
});

test('does not split an emoji between two {#var#} variables', () => {
  const result = matchTemplate(parseTemplate('{#var#}{#var#}'), '😀😀', options);
  assert.deepEqual(result, { ok: true, variables: ['😀', '😀'] });
});

test('reports text left over after the template ends', () => {
  const result = mismatch(matchTemplate(parseTemplate('Your OTP is {#num#}.'), 'Your OTP is 1234. Thanks', options));
  assert.deepEqual(
    [result.position, result.expected, result.found, result.reason],
    [17, 'end of text', ' Thanks', 'The text continues after the end of the template.'],
  );
});

test('reports a text that stops where the template continues', () => {
  const result = mismatch(matchTemplate(otp, 'Your OTP is 1234', options));
  assert.deepEqual([result.position, result.found, result.reason], [16, '', 'The text ends where the template continues with ". Valid 60 sec. - TechTo".']);
});

test('reports a text that stops where a variable is expected', () => {
  const result = mismatch(matchTemplate(otp, 'Your OTP is ', options));
  assert.equal(result.reason, 'The text ends where the template expects a {#num#} variable.');
});

test('shows at most 20 characters of the text found', () => {
  const result = mismatch(matchTemplate(parseTemplate('x'), 'y'.repeat(100), options));
  assert.equal(result.found, 'y'.repeat(20));
});

test('finishes on 20 adjacent {#var#} against a 2,000-character text that cannot fit', () => {
  const result = matchTemplate(parseTemplate('{#var#}'.repeat(20)), 'a'.repeat(2000), options);
  assert.equal(result.ok, false);
});

test('finishes on 20 adjacent {#var#} separated by a literal the text almost repeats', () => {
  // The classic exponential-backtracking shape: every variable could end at many places.
  const result = matchTemplate(parseTemplate(`${'{#var#}a'.repeat(20)}b`), 'a'.repeat(2000), options);
  assert.equal(result.ok, false);
});

test('fills 20 adjacent {#var#} from a text they can just hold', () => {
  const result = matchTemplate(parseTemplate('{#var#}'.repeat(20)), 'a'.repeat(600), options);
  assert.deepEqual(result, { ok: true, variables: Array.from({ length: 20 }, () => 'a'.repeat(30)) });
});

test('refuses a maximum variable length below one', () => {
  assert.throws(() => matchTemplate(otp, 'x', { maxVariableLength: 0 }), RangeError);
});

test('builds a text from a template and values', () => {
  const parts = parseTemplate('Hi {#str#}, your OTP is {#num#}.');
  assert.deepEqual(buildFromTemplate(parts, ['Ravi', '4829'], options), { ok: true, text: 'Hi Ravi, your OTP is 4829.' });
});

test('builds a text that matches its own template', () => {
  const parts = parseTemplate('Pay {#amount#} by {#date#} at {#url#}');
  const built = buildFromTemplate(parts, ['₹1,500', '05-06-2026', 'techto.in/pay'], options);
  assert.ok(built.ok);
  assert.deepEqual(matchTemplate(parts, built.text, options), { ok: true, variables: ['₹1,500', '05-06-2026', 'techto.in/pay'] });
});

test('refuses to build with too few values, pointing at the first missing one', () => {
  assert.deepEqual(buildFromTemplate(otp.concat(otp), ['1'], options), {
    ok: false,
    index: 1,
    reason: 'The template has 2 variables but 1 value was given.',
  });
});

test('refuses to build with too many values, pointing at the first extra one', () => {
  const result = buildFromTemplate(otp, ['1', '2'], options);
  assert.deepEqual(result.ok ? undefined : result.index, 1);
});

test('refuses to build with a value that fails its type', () => {
  assert.deepEqual(buildFromTemplate(otp, ['12ab'], options), {
    ok: false,
    index: 0,
    reason: 'A {#num#} variable may contain only the digits 0-9.',
  });
});

test('refuses to build with a value that is too long', () => {
  const result = buildFromTemplate(otp, ['1'.repeat(31)], options);
  assert.match(result.ok ? '' : result.reason, /at most 30 characters/);
});
