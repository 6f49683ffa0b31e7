// A small keep-alive JSON client over node:http for bench setup, bulk requests and polling.
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/**
 * @param {string} url
 * @param {{ method?: string, body?: unknown, token?: string, headers?: Record<string,string>, timeoutMs?: number }} options
 *   `body` may be a ready JSON string (big bulk bodies are serialised before the clock starts).
 * @returns {Promise<{ status: number, body: any, raw: string }>}
 */
export function request(url, options = {}) {
  const payload = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? (payload === undefined ? 'GET' : 'POST'), headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body;
        try { body = raw ? JSON.parse(raw) : undefined; } catch { body = undefined; }
        resolve({ status: res.statusCode ?? 0, body, raw });
      });
      res.on('error', reject);
    });
    req.setTimeout(options.timeoutMs ?? 60_000, () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Throws with the response in the message unless the status is the expected one. */
export function expectStatus(response, status, what) {
  if (response.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${response.status}: ${response.raw.slice(0, 500)}`);
  return response.body;
}

export function closeAgent() {
  agent.destroy();
}
