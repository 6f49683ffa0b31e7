// Where a caller's secret travels (seed 004): `Authorization: Bearer <key>`, or `?access_token=` for
// clients that cannot set headers.
export function bearerOrQueryToken(headers: Record<string, string | string[] | undefined>, query: unknown): string | undefined {
  const auth = headers['authorization'];
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  if (query && typeof query === 'object') {
    const token = (query as Record<string, unknown>)['access_token'];
    if (typeof token === 'string' && token.length > 0) return token;
  }
  return undefined;
}

/** Whether `?access_token=` was given at all (even empty): a face with its own key parameter then leaves the check to the bearer hook. */
export function hasQueryToken(query: unknown): boolean {
  return typeof query === 'object' && query !== null && Object.hasOwn(query, 'access_token');
}
