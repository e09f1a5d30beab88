// Checks an event's payload before a model sees it: the messages of hw-models/messages.ts, field by field.
// A payload from one of our own workers may also be a kind this file does not know (a model added later) as
// long as it is a map with a string `kind`; an external participant (another language) must send a known kind.

const u8 = (x: unknown): boolean => x instanceof Uint8Array;
const u32 = (x: unknown): boolean => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0xffffffff;
const nat = (x: unknown): boolean => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const bool = (x: unknown): boolean => typeof x === 'boolean';
const str = (x: unknown): boolean => typeof x === 'string';

const KINDS: Record<string, (m: Record<string, unknown>) => boolean> = {
  frame: (m) => u8(m.frame),
  ipv4: (m) => u8(m.packet),
  register: (m) => u32(m.ip),
  deregister: (m) => u32(m.ip),
  'deregister-all': () => true,
  transmit: (m) => u8(m.packet) && u32(m.nextHop) && nat(m.queue) && (m.queue as number) >= 1 && (m.queue as number) <= 4,
  ack: (m) => nat(m.count),
  deliver: (m) => Array.isArray(m.packets) && m.packets.every(u8),
  'port-state': (m) => bool(m.up),
  'xcf-data': (m) => str(m.from) && u8(m.bytes),
  'xcf-status': (m) => str(m.from) && bool(m.joined) && nat(m.incarnation) && bool(m.reply),
};

/** Null when the payload is acceptable, else why not. */
export function payloadProblem(payload: unknown, strict: boolean): string | null {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload) || payload instanceof Uint8Array) return 'payload is not a map';
  const m = payload as Record<string, unknown>;
  if (typeof m.kind !== 'string') return 'payload has no string kind';
  const check = KINDS[m.kind];
  if (check === undefined) return strict ? `unknown payload kind ${JSON.stringify(m.kind).slice(0, 40)}` : null;
  return check(m) ? null : `malformed ${m.kind} payload`;
}
