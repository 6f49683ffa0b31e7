// The SSRF rules: every textual form of an address is recognised, and every special-purpose range
// is refused with a reason naming the address and the range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIPv6 } from 'node:net';
import {
  checkAddress, checkHostname, formatIpAddress, formatIpv4, formatIpv6, parseIpAddress, parseIpv4, parseIpv6,
  type AddressCategory,
} from '../../../src/domain/network-address.ts';

const open = { allowPrivateNetworks: true };

// ---- IPv4 forms -------------------------------------------------------------------------------

const LOOPBACK_FORMS: ReadonlyArray<readonly [string, string]> = [
  ['127.0.0.1', 'dotted decimal'],
  ['2130706433', 'a single 32-bit integer'],
  ['0x7f000001', 'a single hex number'],
  ['0X7F000001', 'a single hex number in capitals'],
  ['017700000001', 'a single octal number'],
  ['0177.0.0.1', 'an octal first part'],
  ['0x7f.0.0.1', 'a hex first part'],
  ['0x7f.0x0.0x0.0x1', 'four hex parts'],
  ['127.1', 'the two-part short form'],
  ['127.0.1', 'the three-part short form'],
  ['0x7f.1', 'a short form mixing hex and decimal'],
  ['0177.0.0x0.1', 'parts mixing octal, hex and decimal'],
  ['127.0.0.1.', 'a trailing dot'],
  ['00000000000000000177.0.0.1', 'an octal part with many leading zeros'],
];

for (const [text, form] of LOOPBACK_FORMS) {
  test(`reads 127.0.0.1 written as ${form} (${text})`, () => {
    assert.equal(parseIpv4(text), 0x7f000001);
  });

  test(`refuses 127.0.0.1 written as ${form} as a loopback address`, () => {
    assert.deepEqual(checkAddress(text), { allowed: false, category: 'loopback', reason: 'loopback address 127.0.0.1 (127.0.0.0/8, RFC 1122)' });
  });

  test(`reads ${text} as WHATWG URL does`, () => {
    assert.equal(new URL(`http://${text}/`).hostname, formatIpv4(parseIpv4(text)!));
  });
}

const NOT_IPV4: ReadonlyArray<readonly [string, string]> = [
  ['256.0.0.1', 'a part over 255 before the last'],
  ['1.2.3.256', 'a last part over 255 in four-part form'],
  ['1.16777216', 'a last part too big for the three bytes it fills'],
  ['4294967296', 'a number of 2^32'],
  ['1.2.3.4.5', 'five parts'],
  ['09.0.0.1', 'an 8 or 9 in an octal part'],
  ['0x1g.0.0.1', 'a non-hex digit in a hex part'],
  ['1..2.3', 'an empty inner part'],
  ['-1.0.0.1', 'a sign'],
  ['1.2.3.4..', 'two trailing dots'],
  ['example.com', 'a host name'],
];

for (const [text, what] of NOT_IPV4) {
  test(`does not read ${what} (${text}) as IPv4`, () => {
    assert.equal(parseIpv4(text), undefined);
  });
}

test('reads "0x" alone as zero, as WHATWG URL does', () => {
  assert.equal(parseIpv4('0x'), 0);
  assert.equal(new URL('http://0x/').hostname, '0.0.0.0');
});

test('agrees with WHATWG URL on random addresses in random mixed notations', () => {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < 2000; i++) {
    const value = (next() * 2 + (next() & 1)) >>> 0;
    const partCount = 1 + (next() % 4);
    const bytes = [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
    const parts = bytes.slice(0, partCount - 1);
    const last = bytes.slice(partCount - 1).reduce((sum, b) => sum * 256 + b, 0);
    const text = [...parts, last].map((n) => {
      const base = next() % 3;
      return base === 0 ? String(n) : base === 1 ? `0x${n.toString(16)}` : `0${n.toString(8)}`;
    }).join('.');
    assert.equal(parseIpv4(text), value, text);
    assert.equal(new URL(`http://${text}/`).hostname, formatIpv4(value), text);
  }
});

// ---- IPv6 forms -------------------------------------------------------------------------------

const IPV6_SAMPLES = [
  '::', '::1', '1::', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '2001:db8::1:0:0:1', '2001:DB8:0:0:1::1',
  '::ffff:127.0.0.1', '::ffff:7f00:1', '::127.0.0.1', '64:ff9b::192.0.2.33', '1:2:3:4:5:6:1.2.3.4', 'fe80::1%eth0', 'fe80::1%25eth0',
];
const NOT_IPV6 = [
  '1:2:3:4:5:6:7:8:9', '1::2::3', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:', '12345::', '::g', '::1.2.3', '::1.2.3.04', '::256.1.1.1',
  '1:2:3:4:5:6:7:1.2.3.4', ':::', 'fe80::1%', '127.0.0.1',
];

for (const text of IPV6_SAMPLES) {
  test(`reads ${text} as IPv6, as node:net does`, () => {
    assert.equal(isIPv6(text), true);
    assert.notEqual(parseIpv6(text), undefined);
  });
}

for (const text of NOT_IPV6) {
  test(`does not read ${text} as IPv6, nor does node:net`, () => {
    assert.equal(isIPv6(text), false);
    assert.equal(parseIpv6(text), undefined);
  });
}

test('keeps the zone id of a link-local address', () => {
  assert.deepEqual(parseIpv6('fe80::1%eth0'), { value: 0xfe80n << 112n | 1n, zone: 'eth0' });
});

test('reads the bracketed IPv6 that URL.hostname gives', () => {
  assert.deepEqual(parseIpAddress('[::1]'), { family: 6, value: 1n });
});

test('writes IPv6 exactly as the WHATWG URL serialiser does, for random addresses with zero runs', () => {
  let seed = 777;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < 2000; i++) {
    const pieces = Array.from({ length: 8 }, () => (next() % 3 === 0 ? next() % 65536 : 0));
    const text = pieces.map((p) => p.toString(16)).join(':');
    assert.equal(`[${formatIpv6(parseIpv6(text)!.value)}]`, new URL(`http://[${text}]/`).hostname, text);
  }
});

test('reads an embedded dotted quad and its hex spelling as the same address', () => {
  assert.equal(parseIpv6('::ffff:127.0.0.1')!.value, parseIpv6('::ffff:7f00:1')!.value);
});

// ---- classification ---------------------------------------------------------------------------

const BLOCKED: ReadonlyArray<readonly [string, AddressCategory, string]> = [
  ['127.255.255.254', 'loopback', 'loopback address 127.255.255.254 (127.0.0.0/8, RFC 1122)'],
  ['::1', 'loopback', 'loopback address ::1 (RFC 4291)'],
  ['0.0.0.0', 'unspecified', '"this network" address 0.0.0.0 (0.0.0.0/8, RFC 791)'],
  ['0.1.2.3', 'unspecified', '"this network" address 0.1.2.3 (0.0.0.0/8, RFC 791)'],
  ['::', 'unspecified', 'unspecified address :: (RFC 4291)'],
  ['10.0.0.1', 'private', 'private address 10.0.0.1 (10.0.0.0/8, RFC 1918)'],
  ['172.16.0.1', 'private', 'private address 172.16.0.1 (172.16.0.0/12, RFC 1918)'],
  ['172.31.255.255', 'private', 'private address 172.31.255.255 (172.16.0.0/12, RFC 1918)'],
  ['192.168.1.1', 'private', 'private address 192.168.1.1 (192.168.0.0/16, RFC 1918)'],
  ['100.64.0.1', 'shared', 'carrier-grade NAT address 100.64.0.1 (100.64.0.0/10, RFC 6598)'],
  ['100.127.255.254', 'shared', 'carrier-grade NAT address 100.127.255.254 (100.64.0.0/10, RFC 6598)'],
  ['169.254.1.1', 'link-local', 'link-local address 169.254.1.1 (169.254.0.0/16, RFC 3927)'],
  ['169.254.169.254', 'metadata', 'cloud metadata address 169.254.169.254 (AWS, GCP, Azure, OpenStack)'],
  ['169.254.170.2', 'metadata', 'cloud metadata address 169.254.170.2 (AWS ECS task metadata)'],
  ['100.100.100.200', 'metadata', 'cloud metadata address 100.100.100.200 (Alibaba Cloud)'],
  ['fd00:ec2::254', 'metadata', 'cloud metadata address fd00:ec2::254 (AWS IMDS)'],
  ['fe80::1', 'link-local', 'link-local address fe80::1 (fe80::/10, RFC 4291)'],
  ['fe80::1%eth0', 'link-local', 'link-local address fe80::1 (fe80::/10, RFC 4291)'],
  ['febf::1', 'link-local', 'link-local address febf::1 (fe80::/10, RFC 4291)'],
  ['fc00::1', 'unique-local', 'unique local address fc00::1 (fc00::/7, RFC 4193)'],
  ['fd12:3456:789a::1', 'unique-local', 'unique local address fd12:3456:789a::1 (fc00::/7, RFC 4193)'],
  ['fec0::1', 'site-local', 'deprecated site-local address fec0::1 (fec0::/10, RFC 3879)'],
  ['224.0.0.1', 'multicast', 'multicast address 224.0.0.1 (224.0.0.0/4, RFC 5771)'],
  ['239.255.255.250', 'multicast', 'multicast address 239.255.255.250 (224.0.0.0/4, RFC 5771)'],
  ['ff02::1', 'multicast', 'multicast address ff02::1 (ff00::/8, RFC 4291)'],
  ['255.255.255.255', 'broadcast', 'limited broadcast address 255.255.255.255 (RFC 919)'],
  ['240.0.0.1', 'reserved', 'reserved address 240.0.0.1 (240.0.0.0/4, RFC 1112)'],
  ['255.255.255.254', 'reserved', 'reserved address 255.255.255.254 (240.0.0.0/4, RFC 1112)'],
  ['198.18.0.1', 'benchmarking', 'benchmarking address 198.18.0.1 (198.18.0.0/15, RFC 2544)'],
  ['198.19.255.255', 'benchmarking', 'benchmarking address 198.19.255.255 (198.18.0.0/15, RFC 2544)'],
  ['2001:2::1', 'benchmarking', 'benchmarking address 2001:2::1 (2001:2::/48, RFC 5180)'],
  ['192.0.0.8', 'protocol-assignment', 'IETF protocol assignment address 192.0.0.8 (192.0.0.0/24, RFC 6890)'],
  ['2001:1::1', 'protocol-assignment', 'IETF protocol assignment address 2001:1::1 (2001::/23, RFC 2928)'],
  ['192.0.2.1', 'documentation', 'documentation address 192.0.2.1 (192.0.2.0/24, TEST-NET-1, RFC 5737)'],
  ['198.51.100.7', 'documentation', 'documentation address 198.51.100.7 (198.51.100.0/24, TEST-NET-2, RFC 5737)'],
  ['203.0.113.9', 'documentation', 'documentation address 203.0.113.9 (203.0.113.0/24, TEST-NET-3, RFC 5737)'],
  ['2001:db8::1', 'documentation', 'documentation address 2001:db8::1 (2001:db8::/32, RFC 3849)'],
  ['3fff::1', 'documentation', 'documentation address 3fff::1 (3fff::/20, RFC 9637)'],
  ['192.88.99.1', 'reserved', 'deprecated 6to4 relay anycast address 192.88.99.1 (192.88.99.0/24, RFC 7526)'],
  ['64:ff9b:1::a00:1', 'translation', 'local-use IPv4/IPv6 translation address 64:ff9b:1::a00:1 (64:ff9b:1::/48, RFC 8215)'],
  ['100::1', 'discard', 'discard-only address 100::1 (100::/64, RFC 6666)'],
  ['5f00::1', 'reserved', 'unassigned address 5f00::1 (outside the global unicast range 2000::/3, RFC 4291)'],
  ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'tunnel', 'Teredo tunnel address 2001:0:4136:e378:8000:63bf:80ff:fffe (2001::/32, RFC 4380; client 127.0.0.1)'],
];

for (const [text, category, reason] of BLOCKED) {
  test(`refuses ${text} as ${category}`, () => {
    assert.deepEqual(checkAddress(text), { allowed: false, category, reason });
  });
}

const EMBEDDED: ReadonlyArray<readonly [string, string]> = [
  ['::ffff:127.0.0.1', 'loopback address 127.0.0.1 (127.0.0.0/8, RFC 1122), embedded in IPv4-mapped address ::ffff:7f00:1'],
  ['::ffff:7f00:1', 'loopback address 127.0.0.1 (127.0.0.0/8, RFC 1122), embedded in IPv4-mapped address ::ffff:7f00:1'],
  ['::ffff:0:7f00:1', 'loopback address 127.0.0.1 (127.0.0.0/8, RFC 1122), embedded in IPv4-translated address ::ffff:0:7f00:1'],
  ['::127.0.0.1', 'loopback address 127.0.0.1 (127.0.0.0/8, RFC 1122), embedded in IPv4-compatible address ::7f00:1'],
  ['64:ff9b::127.0.0.1', 'loopback address 127.0.0.1 (127.0.0.0/8, RFC 1122), embedded in NAT64 address 64:ff9b::7f00:1'],
  ['2002:7f00:1::', 'loopback address 127.0.0.1 (127.0.0.0/8, RFC 1122), embedded in 6to4 address 2002:7f00:1::'],
  ['::ffff:169.254.169.254', 'cloud metadata address 169.254.169.254 (AWS, GCP, Azure, OpenStack), embedded in IPv4-mapped address ::ffff:a9fe:a9fe'],
  ['64:ff9b::10.0.0.1', 'private address 10.0.0.1 (10.0.0.0/8, RFC 1918), embedded in NAT64 address 64:ff9b::a00:1'],
  ['2002:c0a8:101::1', 'private address 192.168.1.1 (192.168.0.0/16, RFC 1918), embedded in 6to4 address 2002:c0a8:101::1'],
];

for (const [text, reason] of EMBEDDED) {
  test(`judges ${text} by the IPv4 address it embeds`, () => {
    assert.deepEqual(checkAddress(text), { allowed: false, category: reason.startsWith('loopback') ? 'loopback' : reason.startsWith('private') ? 'private' : 'metadata', reason });
  });
}

const PUBLIC: ReadonlyArray<readonly [string, string]> = [
  ['8.8.8.8', 'public address 8.8.8.8'],
  ['1.1.1.1', 'public address 1.1.1.1'],
  ['172.32.0.1', 'public address 172.32.0.1'],
  ['100.128.0.1', 'public address 100.128.0.1'],
  ['2606:4700::1111', 'public address 2606:4700::1111'],
  ['2001:4860:4860::8888', 'public address 2001:4860:4860::8888'],
  ['::ffff:8.8.8.8', 'public address 8.8.8.8, embedded in IPv4-mapped address ::ffff:808:808'],
  ['64:ff9b::1.1.1.1', 'public address 1.1.1.1, embedded in NAT64 address 64:ff9b::101:101'],
  ['2002:808:808::1', 'public address 8.8.8.8, embedded in 6to4 address 2002:808:808::1'],
];

for (const [text, reason] of PUBLIC) {
  test(`allows the public address ${text}`, () => {
    assert.deepEqual(checkAddress(text), { allowed: true, category: 'public', reason });
  });
}

test('refuses text that is no IP address', () => {
  assert.deepEqual(checkAddress('example.com'), { allowed: false, category: 'invalid', reason: 'example.com is not an IP address' });
});

// ---- the operator's private-network switch ----------------------------------------------------

for (const text of ['127.0.0.1', '::1', '10.1.2.3', '192.168.0.10', '100.64.1.1', '169.254.10.1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1']) {
  test(`allows ${text} when private networks are allowed, saying why`, () => {
    const verdict = checkAddress(text, open);
    assert.equal(verdict.allowed, true);
    assert.match(verdict.reason, /; allowed because private networks are allowed$/);
  });
}

for (const text of ['169.254.169.254', 'fd00:ec2::254', '0.0.0.0', '::', '224.0.0.1', '255.255.255.255', '240.0.0.1', '192.0.2.1', '198.18.0.1']) {
  test(`still refuses ${text} when private networks are allowed`, () => {
    assert.equal(checkAddress(text, open).allowed, false);
  });
}

// ---- host names -------------------------------------------------------------------------------

const BLOCKED_NAMES: ReadonlyArray<readonly [string, AddressCategory, string]> = [
  ['localhost', 'loopback', 'loopback host name localhost (RFC 6761)'],
  ['LOCALHOST.', 'loopback', 'loopback host name localhost (RFC 6761)'],
  ['api.localhost', 'loopback', 'loopback host name api.localhost (RFC 6761)'],
  ['localhost.localdomain', 'loopback', 'loopback host name localhost.localdomain (RFC 6761)'],
  ['metadata.google.internal', 'metadata', 'cloud metadata host name metadata.google.internal'],
  ['metadata.google.internal.', 'metadata', 'cloud metadata host name metadata.google.internal'],
  ['metadata', 'metadata', 'cloud metadata host name metadata'],
  ['metadata.goog', 'metadata', 'cloud metadata host name metadata.goog'],
  ['instance-data', 'metadata', 'cloud metadata host name instance-data'],
  ['instance-data.ec2.internal', 'metadata', 'cloud metadata host name instance-data.ec2.internal'],
  ['1.2.3.4.5', 'invalid', '1.2.3.4.5 is not a valid IPv4 address'],
  ['example.123', 'invalid', 'example.123 is not a valid IPv4 address'],
  ['', 'invalid', 'the host is empty'],
];

for (const [host, category, reason] of BLOCKED_NAMES) {
  test(`refuses the host name "${host}" before any lookup`, () => {
    assert.deepEqual(checkHostname(host), { allowed: false, category, reason });
  });
}

test('treats a last label that only looks numeric (0x1g) as a name, as WHATWG URL does', () => {
  assert.equal(checkHostname('example.0x1g').category, 'name');
  assert.equal(new URL('http://example.0x1g/').hostname, 'example.0x1g');
});

test('allows localhost only when private networks are allowed', () => {
  assert.equal(checkHostname('localhost', open).allowed, true);
});

test('never allows a metadata host name, even when private networks are allowed', () => {
  assert.equal(checkHostname('metadata.google.internal', open).allowed, false);
});

test('allows an ordinary name pending the check of its addresses', () => {
  assert.deepEqual(checkHostname('hooks.example.com'), {
    allowed: true, category: 'name', reason: 'host name hooks.example.com, allowed only if every address it resolves to is',
  });
});

test('judges the hostname WHATWG URL gives for an obfuscated loopback URL', () => {
  for (const url of ['http://2130706433/', 'http://0x7f000001/', 'http://0177.0.0.1/', 'http://127.1/', 'http://[::ffff:127.0.0.1]/', 'http://[::127.0.0.1]/']) {
    const verdict = checkHostname(new URL(url).hostname);
    assert.equal(verdict.category, 'loopback', url);
    assert.equal(verdict.allowed, false, url);
  }
});

test('returns the parsed address of an IP literal host', () => {
  const verdict = checkHostname('[2606:4700::1111]');
  assert.equal(verdict.address && formatIpAddress(verdict.address), '2606:4700::1111');
});
