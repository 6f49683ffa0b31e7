// How SMS Handover parameters travel (seed 002): in the query string, or in a POST body as form
// fields or JSON, and a client may mix the two. Each parameter is read once from both places; a
// parameter given twice is refused, never silently resolved to one of its values.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DakiyaError } from '../../../domain/errors.ts';

/** What the seed calls each parameter in its error messages ("MISSING CHANNEL ID"). */
const labels: Readonly<Record<string, string>> = { key: 'API KEY', channel_id: 'CHANNEL ID', mobile: 'MOBILE', reference: 'REFERENCE', otp: 'OTP', body: 'REQUEST BODY' };

export function parameterLabel(name: string): string {
  return labels[name] ?? name.replaceAll('_', ' ').toUpperCase();
}

/** No parameter of this dialect is anywhere near this long; longer values are refused unread. */
const maxLength = 200;

/** Form fields as Fastify's query parser gives them: a repeated field becomes an array. */
export function registerFormParser(app: FastifyInstance, bodyLimit: number): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    const fields: Record<string, string | string[]> = Object.create(null);
    for (const [name, value] of new URLSearchParams(body as string)) {
      const seen = fields[name];
      fields[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
    }
    done(null, fields);
  });
}

/** The parameter's value, or undefined when it is absent or empty (the seed's "MISSING …" case). */
export function optionalParameter(request: FastifyRequest, name: string): string | undefined {
  const values = [...valuesIn(request.query, name), ...valuesIn(bodyFields(request), name)];
  if (values.length > 1) throw new DakiyaError('ERR_INVALID_REQUEST', `${name} was given more than once`, { field: name, problem: 'repeated' });
  const value = values[0];
  if (value === undefined || value === '') return undefined;
  if (value.length > maxLength) throw new DakiyaError('ERR_INVALID_REQUEST', `${name} is longer than ${maxLength} characters`, { field: name, problem: 'too_long' });
  return value;
}

export function requiredParameter(request: FastifyRequest, name: string): string {
  const value = optionalParameter(request, name);
  if (value === undefined) throw new DakiyaError('ERR_INVALID_REQUEST', `${name} is required`, { field: name, problem: 'missing' });
  return value;
}

function bodyFields(request: FastifyRequest): unknown {
  const body = request.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new DakiyaError('ERR_INVALID_REQUEST', 'the body must be form fields or a JSON object', { field: 'body', problem: 'invalid' });
  }
  return body;
}

function valuesIn(source: unknown, name: string): string[] {
  if (source === undefined || source === null || typeof source !== 'object' || !Object.hasOwn(source, name)) return [];
  const raw = (source as Record<string, unknown>)[name];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((value) => {
    if (typeof value === 'string') return value;
    if (value === null) return '';
    // JSON clients may send a number (a mobile, an OTP) unquoted; its digits are what they meant.
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
    throw new DakiyaError('ERR_INVALID_REQUEST', `${name} must be text`, { field: name, problem: 'invalid' });
  });
}
