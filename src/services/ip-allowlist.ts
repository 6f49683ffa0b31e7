// IP allowlists per key: exact addresses or CIDR blocks, IPv4 and IPv6 (IPv4-mapped IPv6 counts as IPv4).
import { BlockList, isIP } from 'node:net';

const lists = new WeakMap<readonly string[], BlockList>();

export function validateAllowlistEntry(entry: string): string | undefined {
  const [address, bits, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || extra !== undefined) return `${entry} is not an IP address or CIDR block`;
  if (bits !== undefined) {
    const n = Number(bits);
    if (!/^\d{1,3}$/.test(bits) || n > (family === 4 ? 32 : 128)) return `${entry} has an invalid prefix length`;
  }
  return undefined;
}

export function ipAllowed(allowlist: readonly string[], ip: string): boolean {
  if (allowlist.length === 0) return true;
  let list = lists.get(allowlist);
  if (!list) {
    list = new BlockList();
    for (const entry of allowlist) {
      const [address = '', bits] = entry.split('/');
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) list.addAddress(address, type);
      else list.addSubnet(address, Number(bits), type);
    }
    lists.set(allowlist, list);
  }
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped?.[1] ?? ip;
  const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  return isIP(address) !== 0 && list.check(address, type);
}
