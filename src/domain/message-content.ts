// Turns a message text (given, or built from a DLT template) into what is sent and billed:
// checked characters, encoding and segment count.
import { detectEncoding, hasUnpairedSurrogate, planSegments } from '../protocols/gsm/index.ts';
import type { DltTemplate } from './account.ts';
import { buildFromTemplate, matchTemplate, parseTemplate, type TemplatePart } from './dlt-template.ts';
import { DakiyaError } from './errors.ts';
import type { Encoding } from './message.ts';

export interface ContentLimits {
  maxSegments: number;
  maxVariableLength: number;
}

export interface Content {
  text: string;
  encoding: Encoding;
  segments: number;
}

// C0 controls other than LF and CR, DEL and C1 controls: no handset shows them, carriers reject them.
const forbidden = /[\u0000-\u0009\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

export function planContent(text: string, unicode: boolean | undefined, limits: ContentLimits): Content {
  if (text.length === 0) throw new DakiyaError('ERR_INVALID_REQUEST', 'message must not be empty', { field: 'message' });
  if (hasUnpairedSurrogate(text) || forbidden.test(text)) {
    throw new DakiyaError('ERR_INVALID_UNICODE', undefined, { field: 'message' });
  }
  // unicode:true forces UCS-2; otherwise text that GSM 03.38 cannot carry switches to UCS-2 rather than being mangled.
  const encoding = unicode === true ? 'UCS2' : detectEncoding(text);
  const plan = planSegments(text, { encoding });
  if (plan.segments.length > limits.maxSegments) {
    throw new DakiyaError('ERR_MESSAGE_TOO_LONG', `The message needs ${plan.segments.length} segments (${encoding}); at most ${limits.maxSegments} are allowed.`, {
      segments: plan.segments.length, max_segments: limits.maxSegments, encoding,
    });
  }
  return { text, encoding, segments: plan.segments.length };
}

const parsed = new WeakMap<DltTemplate, TemplatePart[]>();
function partsOf(template: DltTemplate): TemplatePart[] {
  let parts = parsed.get(template);
  if (!parts) {
    parts = parseTemplate(template.text);
    parsed.set(template, parts);
  }
  return parts;
}

/** Checks a given text against the template; throws ERR_DLT_TEMPLATE_MISMATCH saying where it differs. */
export function checkAgainstTemplate(template: DltTemplate, text: string, limits: ContentLimits): void {
  const match = matchTemplate(partsOf(template), text, { maxVariableLength: limits.maxVariableLength });
  if (!match.ok) {
    throw new DakiyaError('ERR_DLT_TEMPLATE_MISMATCH',
      `Message content does not match DLT-approved template ${template.templateId} at character ${match.position}: expected ${match.expected}, found "${match.found}". ${match.reason}`,
      { template_id: template.templateId, position: match.position, expected: match.expected, found: match.found });
  }
}

/** Builds the text from the template and the variables (an array by position, or an object's values in order). */
export function buildText(template: DltTemplate, variables: readonly string[] | Readonly<Record<string, string>>, limits: ContentLimits): string {
  const values = Array.isArray(variables) ? variables : Object.values(variables);
  const built = buildFromTemplate(partsOf(template), values as string[], { maxVariableLength: limits.maxVariableLength });
  if (!built.ok) {
    throw new DakiyaError('ERR_DLT_TEMPLATE_MISMATCH', `Variables do not fit DLT template ${template.templateId}: ${built.reason}`, {
      template_id: template.templateId, variable_index: built.index,
    });
  }
  return built.text;
}
