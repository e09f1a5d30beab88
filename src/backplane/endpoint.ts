// Backplane endpoints: `tcp://HOST:PORT` (port 0 or * = any free port when binding) or `ipc://PATH`. Loopback
// endpoints (127.x.x.x, ::1, localhost, ipc) may run without encryption; any other needs CURVE keys.

export const DEFAULT_BIND = 'tcp://127.0.0.1:0';

const TCP = /^tcp:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+|\*):(\d{1,5}|\*)$/;

/** Null when `endpoint` is well formed, else why not. */
export function endpointProblem(endpoint: string): string | null {
  if (endpoint.startsWith('ipc://')) return endpoint.length > 6 ? null : 'ipc:// needs a path';
  const m = TCP.exec(endpoint);
  if (m === null) return `${endpoint} is not an endpoint such as tcp://127.0.0.1:5555 or ipc:///tmp/sysplex.sock`;
  if (m[2] !== '*' && Number(m[2]) > 65535) return `${endpoint}: port ${m[2]} is out of range`;
  return null;
}

export function isLoopback(endpoint: string): boolean {
  if (endpoint.startsWith('ipc://') || endpoint.startsWith('inproc://')) return true;
  const host = TCP.exec(endpoint)?.[1] ?? '';
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The form ZeroMQ binds: port 0 becomes `*` (an ephemeral port). */
export function bindForm(endpoint: string): string {
  return endpoint.replace(/:0$/, ':*');
}

/** Where a local participant connects to reach a bound endpoint (a wildcard address means this host). */
export function connectForm(bound: string): string {
  return bound.replace(/^tcp:\/\/(0\.0\.0\.0|\*):/, 'tcp://127.0.0.1:').replace(/^tcp:\/\/\[::\]:/, 'tcp://[::1]:');
}
