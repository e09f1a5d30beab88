// Defaults of topology and scenario files, in the units the typed objects carry. The schema's descriptions
// repeat them for editors; a test keeps the two in step. Values IBM does not publish are marked assumed.

export const DEFAULTS = {
  lan: {
    clients: '198.51.100.0/24', // TEST-NET-2 (RFC 5737): never a real host
    latencyPs: 500_000, // 500 ns per segment: about 100 m of copper or fibre plus a switch hop (assumed)
    routerLatencyPs: 20_000_000, // 20 us through the edge router (assumed)
    clientBps: 10_000_000_000, // 10 Gb/s
  },
  osa: {
    bps: 10_000_000_000, // 10GbE
    inbperf: 'BALANCED' as const, // the z/OS default INBPERF
    frameLatencyPs: 2_000_000, // 2 us per frame (assumed: IBM publishes no per-packet latency)
    readStorage: 'MAX' as const, // QDIOSTG=MAX: 64 SBALs of 64 KB, the z/OS default (SNA Resource Definition Reference)
  },
  lpar: {
    processors: 1,
    clockHz: 5_200_000_000, // 5.2 GHz (z15/z16 class)
    weight: 100,
    firmware: 'builtin',
  },
  xcf: {
    failureDetectionPs: 2_000_000_000, // 2 ms (assumed: real sysplexes use seconds)
    paths: 1,
    signalling: 'CTC' as const,
    /** Fibre length by link model when a link gives none, metres. */
    distanceM: { 'ICA-SR': 10, 'CE-LR': 10_000, IC: 0 } as const,
    /** Longest fibre each model reaches, metres (ICA SR 150 m; CE LR 10 km unrepeated, 100 km with DWDM). */
    maxDistanceM: { 'ICA-SR': 150, 'CE-LR': 100_000, IC: 0 } as const,
  },
  workload: {
    protocol: 'http' as const,
    clients: 1,
    connections: 1,
    rate: 0,
    request: 200,
    httpResponse: 4096,
    holdPs: 0,
    startPs: 1_000_000_000, // 1 ms: the stacks have joined the XCF group and activated their DVIPAs by then
  },
  scenario: {
    seed: 1,
    untilPs: 1_000_000_000_000, // 1 s
  },
} as const;
