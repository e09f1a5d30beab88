// Typed parse failures for wire formats. Parsers never throw on short or hostile bytes: they return
// `{ ok: false, error }` naming what is wrong and the byte offset (from the start of the buffer passed in)
// where it was found, so a capture reader can report `FILE: byte N: ...`.

export type NetErrorCode =
  | 'truncated' // fewer bytes than the header or a length field needs; offset = where the bytes ran out
  | 'bad-version' // IPv4 version nibble is not 4
  | 'bad-header-length' // IHL or TCP data offset below the minimum or beyond the bytes given
  | 'bad-length' // a total/length field disagrees with the bytes given
  | 'bad-checksum'
  | 'bad-option' // a TCP option with an impossible length
  | 'unsupported' // well-formed, but not something this parser handles (802.3 length frame, ARP for non-IPv4)
  | 'bad-address'; // a textual address or prefix that does not parse

export interface NetError {
  readonly code: NetErrorCode;
  /** Byte offset (or character index for text) where the problem was found. */
  readonly offset: number;
  readonly message: string;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: NetError };

export function netError(code: NetErrorCode, offset: number, message: string): { ok: false; error: NetError } {
  return { ok: false, error: { code, offset, message } };
}

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}
