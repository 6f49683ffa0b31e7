// How parameters travel in the form-style dialects (seed 000's and seed 002's APIs): in the query
// string, or in a POST body as form fields or JSON, and a client may mix the two. Each parameter is
// read once from both places; a parameter given twice is refused, never silently resolved to one of
// its values.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DakiyaError } from '../../domain/errors.ts';

/** No parameter but the SMS text and its lists is anywhere near this long; longer values are refused unread. */
const defaultMaxLength = 200;

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

/**
 * The parameter's value, or undefined when it is absent or empty (the seed's "MISSING …" case).
 * `aliases` are other spellings of the same parameter (counted as repeats of it when both come).
 */
export function optionalParameter(request: FastifyRequest, name: string, options: { maxLength?: number; aliases?: readonly string[] } = {}): string | undefined {
  const value = rawParameter(request, name, options.aliases, (v) => valuesIn(v, name));
  if (value === undefined || value === '') return undefined;
  const maxLength = options.maxLength ?? defaultMaxLength;
  if (value.length > maxLength) throw new DakiyaError('ERR_INVALID_REQUEST', `${name} is longer than ${maxLength} characters`, { field: name, problem: 'too_long' });
  return value;
}

/**
 * A parameter whose JSON body form may be structured (bulk_campaign as a real array): the value as
 * given, a string from the query or a form, or whatever JSON the body holds; undefined when absent.
 */
export function structuredParameter(request: FastifyRequest, name: string, aliases: readonly string[] = []): unknown {
  return rawParameter(request, name, aliases, (v) => [v]);
}

function rawParameter<T>(request: FastifyRequest, name: string, aliases: readonly string[] | undefined, read: (raw: unknown) => T[]): T | undefined {
  const values: T[] = [];
  const body = bodyFields(request);
  for (const spelling of [name, ...(aliases ?? [])]) {
    for (const source of [request.query, body]) {
      if (source !== undefined && source !== null && typeof source === 'object' && Object.hasOwn(source, spelling)) {
        values.push(...read((source as Record<string, unknown>)[spelling]));
      }
    }
  }
  if (values.length > 1) throw new DakiyaError('ERR_INVALID_REQUEST', `${name} was given more than once`, { field: name, problem: 'repeated' });
  return values[0];
}

export function requiredParameter(request: FastifyRequest, name: string, options: { maxLength?: number } = {}): string {
  const value = optionalParameter(request, name, options);
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

function valuesIn(raw: unknown, name: string): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((value) => {
    if (typeof value === 'string') return value;
    if (value === null) return '';
    // JSON clients may send a number (a mobile, an OTP) unquoted; its digits are what they meant.
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
    throw new DakiyaError('ERR_INVALID_REQUEST', `${name} must be text`, { field: name, problem: 'invalid' });
  });
}
