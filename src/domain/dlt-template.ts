// DLT content templates (TRAI TCCCPR 2018, typed variables since October 2024): parse the
// registered text into literal and variable parts, and fill a template from variable values.
// Matching a text against a template lives in dlt-template-match.ts and is re-exported here.
import { dltVariableTypes, validateVariable, type DltVariableType } from './dlt-variable.ts';

export { matchTemplate } from './dlt-template-match.ts';
export { validateVariable, type DltVariableType } from './dlt-variable.ts';

export type TemplatePart = { kind: 'literal'; text: string } | { kind: 'variable'; type: DltVariableType };

export interface TemplateMatchOptions {
  maxVariableLength: number;
}

export type TemplateMatch =
  | { ok: true; variables: string[] }
  | { ok: false; position: number; expected: string; found: string; reason: string };

export type TemplateBuild = { ok: true; text: string } | { ok: false; index: number; reason: string };

export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literalStart = 0;
  let at = text.indexOf('{#');
  while (at !== -1) {
    const type = tagAt(text, at);
    if (type === undefined) {
      // Unknown tags ({#foo#}) stay literal: the portal would have rejected them as variables, so
      // in an approved template they can only be text.
      at = text.indexOf('{#', at + 1);
      continue;
    }
    if (at > literalStart) parts.push({ kind: 'literal', text: text.slice(literalStart, at) });
    parts.push({ kind: 'variable', type });
    literalStart = at + type.length + 4;
    at = text.indexOf('{#', literalStart);
  }
  if (literalStart < text.length) parts.push({ kind: 'literal', text: text.slice(literalStart) });
  return parts;
}

function tagAt(text: string, at: number): DltVariableType | undefined {
  for (const type of dltVariableTypes) {
    const close = at + 2 + type.length;
    if (text.startsWith('#}', close) && text.slice(at + 2, close).toLowerCase() === type) return type;
  }
  return undefined;
}

export function variableCount(parts: readonly TemplatePart[]): number {
  let count = 0;
  for (const part of parts) if (part.kind === 'variable') count++;
  return count;
}

export function buildFromTemplate(
  parts: readonly TemplatePart[],
  variables: readonly string[],
  options: TemplateMatchOptions,
): TemplateBuild {
  const expected = variableCount(parts);
  if (variables.length !== expected) {
    // index: the first value that is missing or extra.
    return {
      ok: false,
      index: Math.min(expected, variables.length),
      reason: `The template has ${plural(expected, 'variable')} but ${plural(variables.length, 'value')} ${variables.length === 1 ? 'was' : 'were'} given.`,
    };
  }
  let text = '';
  let index = 0;
  for (const part of parts) {
    if (part.kind === 'literal') {
      text += part.text;
      continue;
    }
    const value = variables[index] ?? '';
    const reason = validateVariable(part.type, value, options.maxVariableLength);
    if (reason !== undefined) return { ok: false, index, reason };
    text += value;
    index++;
  }
  return { ok: true, text };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
