import type { IdentifierType } from './input';

/**
 * The MAC message: a canonical, unambiguous encoding of what the pseudonym depends on.
 *
 *   message = field(DOMAIN) ‖ field(ENCODING_VERSION) ‖ field(context) ‖ field(type) ‖ field(value)
 *   field(s) = uint32 big-endian byte length of UTF-8(s) ‖ UTF-8(s)
 *
 * Length prefixes make the encoding injective (a message parses back into exactly one tuple), so
 * ('ab', 'c') and ('a', 'bc') never share a MAC input. The domain tag keeps these MACs apart from any other
 * use of the key; the version lets a future encoding coexist without colliding with this one. Changing
 * any of these changes every pseudonym.
 */
export const DOMAIN = 'hds-blueprint/pseudonym';
export const ENCODING_VERSION = '1';

export function encodeMessage(context: string, type: IdentifierType, value: string): Buffer {
  return Buffer.concat([DOMAIN, ENCODING_VERSION, context, type, value].map(field));
}

function field(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** The inverse of encodeMessage, for tests and audits of the encoding; throws on any malformed input. */
export function decodeMessage(message: Uint8Array): string[] {
  const buf = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  const fields: string[] = [];
  let offset = 0;
  while (offset < buf.length) {
    if (offset + 4 > buf.length) throw new Error('truncated length prefix');
    const length = buf.readUInt32BE(offset);
    offset += 4;
    if (offset + length > buf.length) throw new Error('truncated field');
    fields.push(buf.subarray(offset, offset + length).toString('utf8'));
    offset += length;
  }
  return fields;
}

/** Output encoding: lower-case hex of the 32-byte MAC (64 characters). */
export function formatPseudonym(mac: Uint8Array): string {
  return Buffer.from(mac.buffer, mac.byteOffset, mac.byteLength).toString('hex');
}
