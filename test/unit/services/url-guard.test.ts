// The URL guard with an injected resolver: scheme, userinfo, port and host rules, every answer of a
// name checked, and a name whose answer changes between registration and delivery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createUrlGuard, type Resolve, type UrlCheck, type UrlGuardCode } from '../../../src/services/url-guard.ts';

type Answers = Record<string, ReadonlyArray<{ address: string; family: number }>>;

function resolverOf(answers: Answers): Resolve & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (host: string) => {
    calls.push(host);
    const found = answers[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };
  return Object.assign(resolve, { calls });
}

const PUBLIC_DNS: Answers = {
  'hooks.example.com': [{ address: '93.184.216.34', family: 4 }, { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 }],
  'mixed.example.com': [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.5', family: 4 }],
  'mapped.example.com': [{ address: '::ffff:127.0.0.1', family: 6 }],
  'imds.example.com': [{ address: '169.254.169.254', family: 4 }],
  'empty.example.com': [],
};

function refused(check: UrlCheck, code: UrlGuardCode): string {
  assert.equal(check.ok, false, JSON.stringify(check));
  assert.equal(!check.ok && check.code, code, JSON.stringify(check));
  return check.ok ? '' : check.reason;
}

const strict = () => createUrlGuard({ allowPrivateNetworks: false, resolve: resolverOf(PUBLIC_DNS) });

test('accepts an https URL whose name resolves only to public addresses, returning them all', async () => {
  const check = await strict().checkUrl('https://hooks.example.com/dakiya?x=1');
  assert.equal(check.ok, true);
  assert.deepEqual(check.ok && check.addresses, [
    { address: '93.184.216.34', family: 4 }, { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
  ]);
  assert.equal(check.ok && check.url.href, 'https://hooks.example.com/dakiya?x=1');
});

for (const url of ['ftp://hooks.example.com/', 'file:///etc/passwd', 'gopher://hooks.example.com/', 'javascript:alert(1)', 'data:text/plain,hi', 'ws://hooks.example.com/']) {
  test(`refuses the scheme of ${url}`, async () => {
    refused(await strict().checkUrl(url), 'URL_SCHEME_NOT_ALLOWED');
  });
}

test('refuses plain http when the guard allows https only', async () => {
  const guard = createUrlGuard({ allowPrivateNetworks: false, resolve: resolverOf(PUBLIC_DNS), allowedSchemes: ['https'] });
  assert.equal(refused(await guard.checkUrl('http://hooks.example.com/'), 'URL_SCHEME_NOT_ALLOWED'), 'scheme http is not allowed; use https');
});

for (const url of ['http://user:pass@hooks.example.com/', 'http://user@hooks.example.com/', 'http://:secret@hooks.example.com/', 'http://hooks.example.com@127.0.0.1/']) {
  test(`refuses userinfo in ${url}`, async () => {
    refused(await strict().checkUrl(url), 'URL_USERINFO_NOT_ALLOWED');
  });
}

for (const url of ['http://hooks.example.com:0/', 'http://hooks.example.com:65536/', 'http://hooks.example.com:99999/']) {
  test(`refuses the port of ${url}`, async () => {
    refused(await strict().checkUrl(url), 'URL_PORT_OUT_OF_RANGE');
  });
}

test('accepts ports 1 and 65535', async () => {
  assert.equal((await strict().checkUrl('https://hooks.example.com:1/')).ok, true);
  assert.equal((await strict().checkUrl('https://hooks.example.com:65535/')).ok, true);
});

for (const url of ['http://', 'https://:443/', 'http://@/']) {
  test(`refuses the empty host of ${url}`, async () => {
    refused(await strict().checkUrl(url), 'URL_HOST_EMPTY');
  });
}

test('refuses text that is no URL', async () => {
  refused(await strict().checkUrl('not a url'), 'URL_INVALID');
});

const LITERALS = [
  'http://127.0.0.1/', 'http://2130706433/', 'http://0x7f000001/', 'http://0177.0.0.1/', 'http://127.1/', 'http://127.0.1/',
  'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/', 'http://[::127.0.0.1]/', 'http://[64:ff9b::7f00:1]/',
  'http://[2002:7f00:1::]/', 'http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/',
  'http://100.64.0.1/', 'http://[fe80::1]/', 'http://[fc00::1]/', 'http://0.0.0.0/', 'http://0/', 'http://[::]/',
];

for (const url of LITERALS) {
  test(`refuses ${url} without asking the resolver`, async () => {
    const resolve = resolverOf(PUBLIC_DNS);
    const guard = createUrlGuard({ allowPrivateNetworks: false, resolve });
    refused(await guard.checkUrl(url), 'URL_ADDRESS_BLOCKED');
    assert.deepEqual(resolve.calls, []);
  });
}

test('names the embedded loopback address of an IPv4-mapped literal', async () => {
  assert.equal(refused(await strict().checkUrl('http://[::ffff:127.0.0.1]:8080/'), 'URL_ADDRESS_BLOCKED'),
    'loopback address 127.0.0.1 (127.0.0.0/8, RFC 1122), embedded in IPv4-mapped address ::ffff:7f00:1');
});

for (const url of ['http://localhost/', 'http://LOCALHOST.:3000/', 'http://api.localhost/', 'http://metadata.google.internal/computeMetadata/v1/', 'http://metadata/', 'http://instance-data/']) {
  test(`refuses the host name of ${url} without asking the resolver`, async () => {
    const resolve = resolverOf(PUBLIC_DNS);
    refused(await createUrlGuard({ allowPrivateNetworks: false, resolve }).checkUrl(url), 'URL_HOST_BLOCKED');
    assert.deepEqual(resolve.calls, []);
  });
}

test('refuses a name when any one of its answers is private', async () => {
  assert.equal(refused(await strict().checkUrl('https://mixed.example.com/'), 'URL_ADDRESS_BLOCKED'),
    'mixed.example.com resolves to private address 10.0.0.5 (10.0.0.0/8, RFC 1918)');
});

test('refuses a name that resolves to an IPv4-mapped loopback address', async () => {
  refused(await strict().checkUrl('https://mapped.example.com/'), 'URL_ADDRESS_BLOCKED');
});

test('refuses a name that resolves to the metadata address', async () => {
  refused(await strict().checkUrl('https://imds.example.com/'), 'URL_ADDRESS_BLOCKED');
});

test('refuses a name that does not resolve, with the resolver\'s code', async () => {
  assert.equal(refused(await strict().checkUrl('https://nowhere.example.com/'), 'URL_HOST_UNRESOLVED'), 'nowhere.example.com did not resolve (ENOTFOUND)');
});

test('refuses a name that resolves to no address', async () => {
  refused(await strict().checkUrl('https://empty.example.com/'), 'URL_HOST_UNRESOLVED');
});

test('blocks at delivery a name that resolved to a public address at registration and to loopback since', async () => {
  const answers = [[{ address: '93.184.216.34', family: 4 }], [{ address: '127.0.0.1', family: 4 }]];
  let call = 0;
  const guard = createUrlGuard({ allowPrivateNetworks: false, resolve: async () => answers[Math.min(call++, 1)]! });
  const atRegistration = await guard.checkUrl('https://rebind.example.com/hook');
  const atDelivery = await guard.checkUrl('https://rebind.example.com/hook');
  assert.equal(atRegistration.ok, true);
  assert.equal(refused(atDelivery, 'URL_ADDRESS_BLOCKED'), 'rebind.example.com resolves to loopback address 127.0.0.1 (127.0.0.0/8, RFC 1122)');
});

test('resolves the name again on every check', async () => {
  const resolve = resolverOf(PUBLIC_DNS);
  const guard = createUrlGuard({ allowPrivateNetworks: false, resolve });
  await guard.checkUrl('https://hooks.example.com/');
  await guard.checkUrl('https://hooks.example.com/');
  assert.deepEqual(resolve.calls, ['hooks.example.com', 'hooks.example.com']);
});

// ---- allowPrivateNetworks ---------------------------------------------------------------------

const permissive = () => createUrlGuard({ allowPrivateNetworks: true, resolve: resolverOf({ ...PUBLIC_DNS, localhost: [{ address: '127.0.0.1', family: 4 }] }) });

test('with private networks allowed, accepts a loopback literal and returns it as the address to connect to', async () => {
  const check = await permissive().checkUrl('http://127.0.0.1:8080/hook');
  assert.deepEqual(check.ok && check.addresses, [{ address: '127.0.0.1', family: 4 }]);
});

test('with private networks allowed, accepts localhost and connects to what it resolves to', async () => {
  const check = await permissive().checkUrl('http://localhost:8080/hook');
  assert.deepEqual(check.ok && check.addresses, [{ address: '127.0.0.1', family: 4 }]);
});

test('with private networks allowed, accepts a name resolving to a private address', async () => {
  assert.equal((await permissive().checkUrl('https://mixed.example.com/')).ok, true);
});

test('with private networks allowed, still refuses the metadata address and names', async () => {
  refused(await permissive().checkUrl('http://169.254.169.254/'), 'URL_ADDRESS_BLOCKED');
  refused(await permissive().checkUrl('http://metadata.google.internal/'), 'URL_HOST_BLOCKED');
});

test('with private networks allowed, still refuses schemes other than http and https', async () => {
  refused(await permissive().checkUrl('ftp://127.0.0.1/'), 'URL_SCHEME_NOT_ALLOWED');
});

test('with private networks allowed, still refuses userinfo', async () => {
  refused(await permissive().checkUrl('http://u:p@127.0.0.1/'), 'URL_USERINFO_NOT_ALLOWED');
});

test('accepts a URL object as well as a string', async () => {
  assert.equal((await strict().checkUrl(new URL('https://hooks.example.com/'))).ok, true);
});
