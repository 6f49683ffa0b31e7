// Which network addresses a customer-supplied URL may reach (the SSRF rules of webhooks): IP
// addresses in every textual form a URL host or a resolver answer takes, classified against the
// IANA IPv4 and IPv6 special-purpose registries (RFC 6890 and successors), multicast, and the
// cloud metadata endpoints. Parsing, formatting and the range table stay in one file (over 300 lines)
// because each range's reason is printed with the canonical form of the address it matched.

export type IpAddress =
  | { readonly family: 4; readonly value: number }
  | { readonly family: 6; readonly value: bigint; readonly zone?: string };

export type AddressCategory =
  | 'public' | 'name'
  | 'loopback' | 'private' | 'shared' | 'link-local' | 'unique-local' | 'site-local'
  | 'metadata' | 'unspecified' | 'multicast' | 'broadcast' | 'reserved' | 'benchmarking'
  | 'protocol-assignment' | 'documentation' | 'tunnel' | 'translation' | 'discard' | 'invalid';

/** Categories an operator may open with webhooks.allowPrivateNetworks; the rest stay closed. */
export const PRIVATE_CATEGORIES: ReadonlySet<AddressCategory> = new Set<AddressCategory>(
  ['loopback', 'private', 'shared', 'link-local', 'unique-local', 'site-local']);

export interface NetworkPolicy {
  readonly allowPrivateNetworks: boolean;
}

export interface AddressVerdict {
  readonly allowed: boolean;
  readonly category: AddressCategory;
  /** Says which address matched which range, e.g. 'loopback address 127.0.0.1 (127.0.0.0/8, RFC 1122)'. */
  readonly reason: string;
}

export interface HostVerdict extends AddressVerdict {
  /** Present when the host is an IP literal. */
  readonly address?: IpAddress;
}

const CLOSED: NetworkPolicy = { allowPrivateNetworks: false };

// ---- parsing ---------------------------------------------------------------------------------

/**
 * IPv4 in every form the WHATWG URL host parser and inet_aton(3) accept: one to four parts, each
 * decimal, octal (leading 0) or hex (0x); the last part fills the remaining bytes (`127.1`,
 * `2130706433`, `0x7f.0.0.1`, `0177.0.0.1`); one trailing dot is allowed.
 */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length > 4) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    const n = parseIpv4Number(part);
    if (n === undefined) return undefined;
    numbers.push(n);
  }
  const last = numbers.pop()!;
  if (numbers.some((n) => n > 255) || last >= 256 ** (4 - numbers.length)) return undefined;
  return numbers.reduce((sum, n, i) => sum + n * 256 ** (3 - i), last);
}

function parseIpv4Number(part: string): number | undefined {
  if (/^0[xX]/.test(part)) {
    const digits = part.slice(2);
    if (digits === '') return 0; // WHATWG: "0x" alone is zero
    return /^[0-9a-fA-F]+$/.test(digits) ? parseInt(digits, 16) : undefined;
  }
  if (/^0[0-7]+$/.test(part)) return parseInt(part.slice(1), 8);
  return /^(?:0|[1-9][0-9]*)$/.test(part) ? parseInt(part, 10) : undefined;
}

/** IPv6 as RFC 4291 §2.2 writes it (`::`, a trailing dotted quad), with an optional `%zone`. */
export function parseIpv6(text: string): { value: bigint; zone?: string } | undefined {
  const percent = text.indexOf('%');
  const zone = percent === -1 ? undefined : text.slice(percent + 1);
  if (zone === '') return undefined;
  let head = percent === -1 ? text : text.slice(0, percent);
  const tail: number[] = [];
  const lastColon = head.lastIndexOf(':');
  if (lastColon === -1) return undefined;
  if (head.includes('.', lastColon)) {
    const v4 = parseDottedQuad(head.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail.push(v4 >>> 16, v4 & 0xffff);
    head = head.slice(0, lastColon + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  if (![...left, ...right].every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const explicit = left.length + right.length + tail.length;
  if (halves.length === 2 ? explicit > 7 : explicit !== 8) return undefined;
  const pieces = [...left.map((g) => parseInt(g, 16)), ...Array<number>(8 - explicit).fill(0), ...right.map((g) => parseInt(g, 16)), ...tail];
  const value = pieces.reduce((sum, piece) => (sum << 16n) | BigInt(piece), 0n);
  return zone === undefined ? { value } : { value, zone };
}

/** The strict dotted quad allowed inside IPv6 text: four decimal parts without leading zeros. */
function parseDottedQuad(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(?:0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((sum, p) => sum * 256 + Number(p), 0);
}

/** An IP literal as a URL host or a resolver gives it: IPv6 may be in brackets. */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (text.startsWith('[') && text.endsWith(']')) {
    const v6 = parseIpv6(text.slice(1, -1));
    return v6 && { family: 6, ...v6 };
  }
  if (text.includes(':')) {
    const v6 = parseIpv6(text);
    return v6 && { family: 6, ...v6 };
  }
  const v4 = parseIpv4(text);
  return v4 === undefined ? undefined : { family: 4, value: v4 };
}

// ---- formatting ------------------------------------------------------------------------------

export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** RFC 5952 text (the same the WHATWG URL serialiser writes): lowercase, longest zero run as `::`. */
export function formatIpv6(value: bigint): string {
  const pieces = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && pieces[j] === 0) j++;
    if (j - i > bestLength) [best, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (list: number[]) => list.map((p) => p.toString(16)).join(':');
  return best === -1 ? hex(pieces) : `${hex(pieces.slice(0, best))}::${hex(pieces.slice(best + bestLength))}`;
}

export function formatIpAddress(address: IpAddress): string {
  return address.family === 4 ? formatIpv4(address.value) : formatIpv6(address.value);
}

// ---- ranges ----------------------------------------------------------------------------------

interface Range {
  readonly cidr: string;
  readonly category: AddressCategory;
  readonly label: string;
  readonly source: string;
}

// Most specific first: the first match names the reason. IANA IPv4 special-purpose registry,
// plus multicast (RFC 5771), and the metadata endpoints clouds answer on.
const IPV4_RANGES: readonly Range[] = [
  { cidr: '169.254.169.254/32', category: 'metadata', label: 'cloud metadata address', source: 'AWS, GCP, Azure, OpenStack' },
  { cidr: '169.254.170.2/32', category: 'metadata', label: 'cloud metadata address', source: 'AWS ECS task metadata' },
  { cidr: '169.254.170.23/32', category: 'metadata', label: 'cloud metadata address', source: 'AWS EKS pod identity' },
  { cidr: '100.100.100.200/32', category: 'metadata', label: 'cloud metadata address', source: 'Alibaba Cloud' },
  { cidr: '192.0.0.192/32', category: 'metadata', label: 'cloud metadata address', source: 'Oracle Cloud' },
  { cidr: '0.0.0.0/8', category: 'unspecified', label: '"this network" address', source: 'RFC 791' },
  { cidr: '10.0.0.0/8', category: 'private', label: 'private address', source: 'RFC 1918' },
  { cidr: '100.64.0.0/10', category: 'shared', label: 'carrier-grade NAT address', source: 'RFC 6598' },
  { cidr: '127.0.0.0/8', category: 'loopback', label: 'loopback address', source: 'RFC 1122' },
  { cidr: '169.254.0.0/16', category: 'link-local', label: 'link-local address', source: 'RFC 3927' },
  { cidr: '172.16.0.0/12', category: 'private', label: 'private address', source: 'RFC 1918' },
  { cidr: '192.0.0.0/24', category: 'protocol-assignment', label: 'IETF protocol assignment address', source: 'RFC 6890' },
  { cidr: '192.0.2.0/24', category: 'documentation', label: 'documentation address', source: 'TEST-NET-1, RFC 5737' },
  { cidr: '192.88.99.0/24', category: 'reserved', label: 'deprecated 6to4 relay anycast address', source: 'RFC 7526' },
  { cidr: '192.168.0.0/16', category: 'private', label: 'private address', source: 'RFC 1918' },
  { cidr: '198.18.0.0/15', category: 'benchmarking', label: 'benchmarking address', source: 'RFC 2544' },
  { cidr: '198.51.100.0/24', category: 'documentation', label: 'documentation address', source: 'TEST-NET-2, RFC 5737' },
  { cidr: '203.0.113.0/24', category: 'documentation', label: 'documentation address', source: 'TEST-NET-3, RFC 5737' },
  { cidr: '224.0.0.0/4', category: 'multicast', label: 'multicast address', source: 'RFC 5771' },
  { cidr: '255.255.255.255/32', category: 'broadcast', label: 'limited broadcast address', source: 'RFC 919' },
  { cidr: '240.0.0.0/4', category: 'reserved', label: 'reserved address', source: 'RFC 1112' },
];

// IANA IPv6 special-purpose registry and address space. Single addresses come first, then the
// forms that embed an IPv4 address, judged by it (below), then the ranges; everything outside
// 2000::/3 that no row names is unassigned.
const IPV6_SINGLE: readonly Range[] = [
  { cidr: 'fd00:ec2::254/128', category: 'metadata', label: 'cloud metadata address', source: 'AWS IMDS' },
  { cidr: 'fd00:ec2::23/128', category: 'metadata', label: 'cloud metadata address', source: 'AWS EKS pod identity' },
  { cidr: '::/128', category: 'unspecified', label: 'unspecified address', source: 'RFC 4291' },
  { cidr: '::1/128', category: 'loopback', label: 'loopback address', source: 'RFC 4291' },
];

const IPV6_RANGES: readonly Range[] = [
  { cidr: '64:ff9b:1::/48', category: 'translation', label: 'local-use IPv4/IPv6 translation address', source: 'RFC 8215' },
  { cidr: '100::/64', category: 'discard', label: 'discard-only address', source: 'RFC 6666' },
  { cidr: '2001::/32', category: 'tunnel', label: 'Teredo tunnel address', source: 'RFC 4380' },
  { cidr: '2001:2::/48', category: 'benchmarking', label: 'benchmarking address', source: 'RFC 5180' },
  { cidr: '2001::/23', category: 'protocol-assignment', label: 'IETF protocol assignment address', source: 'RFC 2928' },
  { cidr: '2001:db8::/32', category: 'documentation', label: 'documentation address', source: 'RFC 3849' },
  { cidr: '3fff::/20', category: 'documentation', label: 'documentation address', source: 'RFC 9637' },
  { cidr: 'fc00::/7', category: 'unique-local', label: 'unique local address', source: 'RFC 4193' },
  { cidr: 'fe80::/10', category: 'link-local', label: 'link-local address', source: 'RFC 4291' },
  { cidr: 'fec0::/10', category: 'site-local', label: 'deprecated site-local address', source: 'RFC 3879' },
  { cidr: 'ff00::/8', category: 'multicast', label: 'multicast address', source: 'RFC 4291' },
];

// IPv6 forms carrying an IPv4 address in their low 32 bits (6to4 carries it in bits 16–47).
const EMBEDDINGS: ReadonlyArray<{ readonly cidr: string; readonly label: string; readonly shift: bigint }> = [
  { cidr: '::ffff:0:0/96', label: 'IPv4-mapped address', shift: 0n },
  { cidr: '::ffff:0:0:0/96', label: 'IPv4-translated address', shift: 0n },
  { cidr: '::/96', label: 'IPv4-compatible address', shift: 0n },
  { cidr: '64:ff9b::/96', label: 'NAT64 address', shift: 0n },
  { cidr: '2002::/16', label: '6to4 address', shift: 80n },
];

function v4Matcher(cidr: string): (value: number) => boolean {
  const [base, bits] = cidr.split('/');
  const shift = 32 - Number(bits);
  const prefix = parseIpv4(base!)! >>> 0;
  return shift === 32 ? () => true : (value) => Math.floor(value / 2 ** shift) === Math.floor(prefix / 2 ** shift);
}

type Words = readonly [number, number, number, number];

// IPv6 is matched as four 32-bit words: numbers are much cheaper than bigint shifts, and the
// guard runs on every delivery.
function toWords(value: bigint): Words {
  return [Number(value >> 96n), Number((value >> 64n) & 0xffffffffn), Number((value >> 32n) & 0xffffffffn), Number(value & 0xffffffffn)];
}

function v6Matcher(cidr: string): (words: Words) => boolean {
  const [base, bits] = cidr.split('/');
  const prefix = toWords(parseIpv6(base!)!.value);
  const length = Number(bits);
  return (words) => {
    for (let i = 0, left = length; left > 0; i++, left -= 32) {
      const shift = Math.max(0, 32 - left);
      if (words[i]! >>> shift !== prefix[i]! >>> shift) return false;
    }
    return true;
  };
}

function describe(range: Range, text: string): string {
  const single = (range.cidr.endsWith('/32') && !range.cidr.includes(':')) || range.cidr.endsWith('/128');
  return `${range.label} ${text} (${single ? '' : `${range.cidr}, `}${range.source})`;
}

const V4 = IPV4_RANGES.map((range) => ({ range, matches: v4Matcher(range.cidr) }));
const V6_SINGLE = IPV6_SINGLE.map((range) => ({ range, matches: v6Matcher(range.cidr) }));
const V6 = IPV6_RANGES.map((range) => ({ range, matches: v6Matcher(range.cidr) }));
const V6_EMBEDDED = EMBEDDINGS.map((e) => ({ ...e, matches: v6Matcher(e.cidr) }));
const GLOBAL_UNICAST = v6Matcher('2000::/3');

// ---- verdicts --------------------------------------------------------------------------------

function verdict(category: AddressCategory, reason: string, policy: NetworkPolicy): AddressVerdict {
  if (category === 'public' || category === 'name') return { allowed: true, category, reason };
  if (policy.allowPrivateNetworks && PRIVATE_CATEGORIES.has(category)) {
    return { allowed: true, category, reason: `${reason}; allowed because private networks are allowed` };
  }
  return { allowed: false, category, reason };
}

function classifyIpv4(value: number): { category: AddressCategory; reason: string } {
  const text = formatIpv4(value);
  const hit = V4.find((entry) => entry.matches(value));
  return hit ? { category: hit.range.category, reason: describe(hit.range, text) }
    : { category: 'public', reason: `public address ${text}` };
}

function classifyIpv6(value: bigint): { category: AddressCategory; reason: string } {
  const text = formatIpv6(value);
  const words = toWords(value);
  const exact = V6_SINGLE.find((entry) => entry.matches(words));
  if (exact) return { category: exact.range.category, reason: describe(exact.range, text) };
  const embedding = V6_EMBEDDED.find((e) => e.matches(words));
  if (embedding) {
    const inner = classifyIpv4(Number((value >> embedding.shift) & 0xffffffffn));
    return { category: inner.category, reason: `${inner.reason}, embedded in ${embedding.label} ${text}` };
  }
  const hit = V6.find((entry) => entry.matches(words));
  if (hit?.range.category === 'tunnel') {
    // RFC 4380 §4: the client's IPv4 address is the last 32 bits, inverted.
    const client = formatIpv4(Number(~value & 0xffffffffn));
    return { category: 'tunnel', reason: `Teredo tunnel address ${text} (2001::/32, RFC 4380; client ${client})` };
  }
  if (hit) return { category: hit.range.category, reason: describe(hit.range, text) };
  if (!GLOBAL_UNICAST(words)) return { category: 'reserved', reason: `unassigned address ${text} (outside the global unicast range 2000::/3, RFC 4291)` };
  return { category: 'public', reason: `public address ${text}` };
}

/** Whether a webhook may connect to this address. A string that is no IP address is not allowed. */
export function checkAddress(address: IpAddress | string, policy: NetworkPolicy = CLOSED): AddressVerdict {
  const parsed = typeof address === 'string' ? parseIpAddress(address) : address;
  if (!parsed) return { allowed: false, category: 'invalid', reason: `${String(address)} is not an IP address` };
  const { category, reason } = parsed.family === 4 ? classifyIpv4(parsed.value) : classifyIpv6(parsed.value);
  return verdict(category, reason, policy);
}

// Names that reach loopback by definition (RFC 6761 §6.3, Debian's /etc/hosts) and names cloud
// instances resolve to their metadata service. Checked before any lookup so they fail at once.
const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);
const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

/**
 * Whether a URL host may be contacted before resolution: an IP literal is judged now; a name is
 * blocked if it is a loopback or metadata name, otherwise allowed pending the check of its addresses.
 */
export function checkHostname(host: string, policy: NetworkPolicy = CLOSED): HostVerdict {
  if (host === '' || host === '[]') return { allowed: false, category: 'invalid', reason: 'the host is empty' };
  const address = parseIpAddress(host);
  if (address) return { ...checkAddress(address, policy), address };
  if (host.startsWith('[')) return { allowed: false, category: 'invalid', reason: `${host} is not an IPv6 address` };
  const name = host.toLowerCase().replace(/\.$/, '');
  // WHATWG URL "ends in a number": such a host is IPv4 or nothing, never a name to look up.
  if (/(?:^|\.)(?:[0-9]+|0x[0-9a-f]*)$/.test(name)) return { allowed: false, category: 'invalid', reason: `${host} is not a valid IPv4 address` };
  if (METADATA_NAMES.has(name)) return { allowed: false, category: 'metadata', reason: `cloud metadata host name ${name}` };
  if (LOOPBACK_NAMES.has(name) || name.endsWith('.localhost')) {
    return verdict('loopback', `loopback host name ${name} (RFC 6761)`, policy);
  }
  return { allowed: true, category: 'name', reason: `host name ${name}, allowed only if every address it resolves to is` };
}
