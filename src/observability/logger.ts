// The application's structured logger (pino). Phone numbers, message bodies and secrets never reach
// the log: known fields are censored and digit runs that look like phone numbers are masked.
import pino, { type Logger } from 'pino';

const redactPaths = [
  'to', 'recipient', 'recipients', 'body', 'message', 'text', 'variables', 'api_key', 'apiKey', 'token', 'otp', 'code',
  '*.to', '*.recipient', '*.body', '*.message', '*.text', '*.variables', '*.api_key', '*.apiKey', '*.token', '*.otp', '*.code',
  'req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.apikey',
];

/** 10+ digit runs (with an optional +) are phone numbers for our purposes. */
const phone = /\+?\d{10,}/g;
export function maskPhones(text: string): string {
  return text.replace(phone, (m) => `${m.slice(0, 4)}******${m.slice(-2)}`);
}

/** Query parameters whose values must not be logged (keys and message content in every dialect). */
const secretParams = new Set(['access_token', 'key', 'apikey', 'api_key', 'token', 'to', 'mobile', 'number', 'contacts', 'msg', 'message', 'text', 'otp']);
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return maskPhones(url);
  const params = new URLSearchParams(url.slice(q + 1));
  for (const name of [...params.keys()]) if (secretParams.has(name.toLowerCase())) params.set(name, '[redacted]');
  return `${maskPhones(url.slice(0, q))}?${params.toString()}`;
}

export function createLogger(options: { level: string; redact: boolean; destination?: pino.DestinationStream }): Logger {
  return pino({
    level: options.level,
    ...(options.redact && {
      redact: { paths: redactPaths, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? maskPhones(a) : a)) as Parameters<typeof method>);
        },
      },
    }),
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: options.redact ? redactUrl(req.url) : req.url, ip: req.ip }),
      err: pino.stdSerializers.err,
    },
  }, options.destination);
}
