// The structural rules of the Chrome/Perfetto JSON trace format that a viewer relies on, checked over a whole
// file: known phases, integer pids and tids, every B closed by an E on the same thread and no E without a B,
// timestamps never going back on a track (a thread for slices and instants, a process and name for
// counters), complete slices on one thread never overlapping, finite counter values, and every process and
// every thread with slices named by metadata. Returns the problems found (empty when the trace is sound).

interface TraceEvent {
  ph: string;
  name?: string;
  pid: number;
  tid?: number;
  ts?: number;
  dur?: number;
  s?: string;
  args?: Record<string, unknown>;
}

export function perfettoProblems(doc: unknown): string[] {
  const problems: string[] = [];
  const fail = (m: string) => {
    if (problems.length < 20) problems.push(m);
  };
  if (doc === null || typeof doc !== 'object' || !Array.isArray((doc as { traceEvents?: unknown }).traceEvents)) return ['no traceEvents array'];
  const events = (doc as { traceEvents: TraceEvent[] }).traceEvents;
  const open = new Map<string, number>();
  const lastTs = new Map<string, number>();
  const lastEnd = new Map<string, number>();
  const processNames = new Set<number>();
  const threadNames = new Set<string>();
  const sliceThreads = new Set<string>();
  const pids = new Set<number>();
  events.forEach((e, i) => {
    const at = `event ${i} (${JSON.stringify(e).slice(0, 120)})`;
    if (!['B', 'E', 'X', 'C', 'i', 'M'].includes(e.ph)) return fail(`${at}: unknown phase ${e.ph}`);
    if (!Number.isInteger(e.pid)) return fail(`${at}: pid is not an integer`);
    const tid = e.tid ?? 0;
    if (!Number.isInteger(tid)) return fail(`${at}: tid is not an integer`);
    if (e.ph === 'M') {
      if (e.name === 'process_name') processNames.add(e.pid);
      if (e.name === 'thread_name') threadNames.add(`${e.pid}/${tid}`);
      if (typeof e.args?.name !== 'string' && (e.name === 'process_name' || e.name === 'thread_name')) fail(`${at}: metadata without a name`);
      return;
    }
    pids.add(e.pid);
    if (typeof e.ts !== 'number' || !Number.isFinite(e.ts) || e.ts < 0) return fail(`${at}: bad ts`);
    const thread = `${e.pid}/${tid}`;
    const track = e.ph === 'C' ? `C ${e.pid}/${e.name}` : e.ph === 'i' && e.s === 'g' ? 'global instants' : thread;
    const prev = lastTs.get(track);
    if (prev !== undefined && e.ts < prev) fail(`${at}: ts ${e.ts} goes back on track ${track} (was ${prev})`);
    lastTs.set(track, e.ts);
    switch (e.ph) {
      case 'B':
        if (typeof e.name !== 'string') fail(`${at}: B without a name`);
        open.set(thread, (open.get(thread) ?? 0) + 1);
        sliceThreads.add(thread);
        break;
      case 'E': {
        const n = open.get(thread) ?? 0;
        if (n === 0) fail(`${at}: E without a B on ${thread}`);
        else open.set(thread, n - 1);
        break;
      }
      case 'X': {
        if (typeof e.dur !== 'number' || !(e.dur >= 0)) fail(`${at}: X without a duration`);
        const end = lastEnd.get(thread);
        if (end !== undefined && e.ts < end - 1e-9) fail(`${at}: X overlaps the previous slice on ${thread}`);
        lastEnd.set(thread, e.ts + (e.dur ?? 0));
        sliceThreads.add(thread);
        break;
      }
      case 'C': {
        const values = Object.values(e.args ?? {});
        if (values.length === 0 || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) fail(`${at}: counter without finite values`);
        break;
      }
      case 'i':
        if (!['g', 'p', 't', undefined].includes(e.s)) fail(`${at}: bad instant scope ${e.s}`);
        break;
    }
  });
  for (const [thread, n] of open) if (n > 0) fail(`${n} B event(s) on ${thread} never ended`);
  for (const pid of pids) if (!processNames.has(pid)) fail(`process ${pid} has no process_name`);
  for (const t of sliceThreads) if (!threadNames.has(t)) fail(`thread ${t} has slices but no thread_name`);
  return problems;
}
