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
    cps: 'dedicated' as const,
  },
  /** The CPC a file without `cpcs:` gets (every LPAR and CF on one machine). */
  cpc: 'CPC1',
  cf: {
    processors: 1,
  },
  xcf: {
    /** z/OS's spin failure detection interval, spinfdi = (N + 1) x SPINTIME + 5 s, with N = 3 excessive-spin
     *  actions after the first SPIN (ABEND, TERM, ACR: EXSPATxx defaults) and SPINTIME 10 s on dedicated CPs,
     *  40 s on shared (EXSPATxx): 45 s and 165 s. */
    spinActions: 3,
    spinTimePs: { dedicated: 10_000_000_000_000, shared: 40_000_000_000_000 } as const,
    spinFdiExtraPs: 5_000_000_000_000,
    paths: 1,
    /** Signalling a link carries when it says none: CTC on FICON, a list structure on a coupling link. */
    signalling: { FICON: 'CTC', 'ICA-SR': 'STRUCTURE', 'CE-LR': 'STRUCTURE', IC: 'STRUCTURE' } as const,
    /** Fibre length by link model when a link gives none, metres. */
    distanceM: { 'ICA-SR': 10, 'CE-LR': 10_000, IC: 0, FICON: 100 } as const,
    /** Longest fibre each model reaches, metres (ICA SR 150 m; CE LR 10 km unrepeated, 100 km with DWDM;
     *  FICON 10 km unrepeated, 100 km with DWDM). */
    maxDistanceM: { 'ICA-SR': 150, 'CE-LR': 100_000, IC: 0, FICON: 100_000 } as const,
    /** Transport class DEFAULT: CLASSLEN 956 bytes, MAXMSG 2000 1-KiB buffers (COUPLExx values IBM's samples
     *  use; see docs/models.md). */
    classLength: 956,
    maxMsgBytes: 2000 * 1024,
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
