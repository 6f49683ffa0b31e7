// Test helpers: PDUs written as hex field by field (the layout of SMPP 3.4 §4, by hand, never by
// our encoder), and hex of a Buffer.

/** Hex of latin1 text plus its terminating NUL: the hex of a C-octet string. */
export function cstr(text: string): string {
  return `${Buffer.from(text, 'latin1').toString('hex')}00`;
}

/** Hex of latin1 text without a NUL. */
export function text(s: string): string {
  return Buffer.from(s, 'latin1').toString('hex');
}

/** A whole PDU: command_length computed from the parts, then command_id, status, sequence and body hex. */
export function pduHex(commandId: number, status: number, sequence: number, ...body: string[]): string {
  const bodyHex = body.join('').replace(/\s+/g, '');
  const u32 = (n: number) => n.toString(16).padStart(8, '0');
  return `${u32(16 + bodyHex.length / 2)}${u32(commandId)}${u32(status)}${u32(sequence)}${bodyHex}`;
}

export function fromHex(hex: string): Buffer {
  return Buffer.from(hex.replace(/\s+/g, ''), 'hex');
}

export function hex(buf: Uint8Array): string {
  return Buffer.from(buf).toString('hex');
}
