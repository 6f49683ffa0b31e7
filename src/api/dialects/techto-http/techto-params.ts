// How Techto HTTP API parameters are read (seed 000): query string, or a POST body of form fields or
// JSON, through the form-style dialects' readers (form-params.ts: a parameter given twice is
// refused, an empty one is absent). On top of them, a control character in any parameter but the
// SMS text is refused here, naming the parameter, rather than reaching the services as a puzzling
// "invalid sender".
import type { FastifyRequest } from 'fastify';
import { DakiyaError } from '../../../domain/errors.ts';
import { optionalParameter } from '../../http/form-params.ts';

/** C0 controls other than tab, LF and CR (white space, trimmed where it matters), DEL and C1 controls. */
const controlCharacter = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** The parameter's value, undefined when absent or empty; at most `maxLength` characters (default 200). */
export function techtoParameter(request: FastifyRequest, name: string, options: { maxLength?: number } = {}): string | undefined {
  const value = optionalParameter(request, name, options);
  if (value === undefined) return undefined;
  const at = value.search(controlCharacter);
  if (at >= 0) {
    const code = value.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0');
    throw new DakiyaError('ERR_INVALID_REQUEST', `${name} contains the control character U+${code} at position ${at + 1}.`, { field: name, problem: 'invalid' });
  }
  return value;
}

export function requiredTechtoParameter(request: FastifyRequest, name: string, options: { maxLength?: number } = {}): string {
  const value = techtoParameter(request, name, options);
  if (value === undefined) throw new DakiyaError('ERR_INVALID_REQUEST', `${name} is required.`, { field: name, problem: 'missing' });
  return value;
}

export function invalidParameter(name: string, message: string): DakiyaError {
  return new DakiyaError('ERR_INVALID_REQUEST', message, { field: name, problem: 'invalid' });
}
