// Help texts: one per command, and the summary that `sysplex-emu --help` prints. Keep in step with
// CONTRACT.md and README.md.

export const COMMANDS: Record<string, { summary: string; usage: string }> = {
  run: {
    summary: 'run a topology or scenario and print its report',
    usage: `usage: sysplex-emu run <topology.yaml|scenario.yaml> [options]

Runs the emulated sysplex in virtual time and prints a report (exit 1 when an expectation is false).

options:
  --until T              stop at virtual time T (250us, 3s ...; at most 2^53 ps, about 2.5 h)
  --seed N               seed of every component's random stream (default: the scenario's, else 1)
  --json                 print the report as one JSON object instead of text
  --trace FILE           write every trace event as JSON Lines to FILE
  --capture POINT=FILE   write a pcapng of what POINT (OSA1, LAN1, SYS1-SYS2) carries; repeatable
  --partitions N         run the models in N partitions: threads of this process that synchronise through
                         shared memory, or worker processes over the ZeroMQ backplane (see --transport); the
                         same report, trace, captures and replay as one process
  --transport T          threads (default when every partition runs here) or processes (ZeroMQ; always for
                         remote workers, external components and --inspect)
  --plan                 with --partitions: print where the cut falls, its lookahead, the events a window
                         holds and each partition's share of the work (stderr) before running
  --bind ENDPOINT        the coordinator's endpoint (default tcp://127.0.0.1:0; non-loopback needs CURVE keys)
  --curve-server-key F   CURVE certificate files for the backplane (with --curve-client-key F)
  --inspect LPAR         run LPAR's partition under the Node inspector (firmware source debugging)
  --inspect-wait LPAR    the same, but the partition waits for a debugger to attach before it runs (the IPL too)
  --vcd FILE             write a Value Change Dump of counters (GTKWave)
  --perfetto FILE        write a Chrome/Perfetto JSON trace
  --html FILE            write a self-contained HTML report with plots
  --set PATH=VALUE       change a topology or scenario field for this run (lpars[name=SYS1].processors=4,
                         osas[*].frameLatency=4us); repeatable; see 'sysplex-emu sweep --help' for the paths
  --quiet                print nothing but errors (the exit status tells the result)
  --realtime             pace virtual time to the wall clock; the report gives the lag (p50/p99/max)
  --tap LAN=IFNAME       create TAP device IFNAME as LAN's clients side (root or CAP_NET_ADMIN; implies
                         --realtime; runs until Ctrl-C or --until); repeatable. See docs/live.md
  --max-lag T            a live run that falls more than T behind the wall clock fails (exit 3)
  --record DIR           record the live run (TAP frames, console commands) as a scenario in DIR that
                         'sysplex-emu test DIR' replays deterministically
  -h, --help             show this help

A live run reads operator commands on stdin (D TCPIP,..., V TCPIP,..., lpar-down SYS1, status, quit; help
lists them) and answers on stderr.`,
  },
  replay: {
    summary: 'replay a pcap/pcapng capture into the emulated sysplex',
    usage: `usage: sysplex-emu replay <topology.yaml> <capture.pcap|capture.pcapng> [options]

Injects the client side of every TCP flow to the DVIPA at LAN1's edge router.

options:
  --mode closed|open     closed (default): stateful per flow, like tcpliveplay; open: every frame at its offset
  --pace asap|recorded   open mode: recorded offsets (default) or as fast as possible
  --until T              run to virtual time T (default: shortly after every flow is decided)
  --partitions N         run in N processes over the ZeroMQ backplane (the same report, trace and captures)
  --json, --trace FILE, --capture POINT=FILE, --vcd FILE, --perfetto FILE, --html FILE, --seed N, --set P=V, --quiet
  -h, --help             show this help`,
  },
  test: {
    summary: 'run regression scenarios; JUnit XML, golden traces, parallel jobs',
    usage: `usage: sysplex-emu test <scenario files or folders>... [options]

Runs each scenario (a folder means its own *.yaml files that name a topology:, subfolders not searched), N at
a time in separate processes; one line per scenario, then 'N passed, N failed'. Exit status: the worst result
wins: 3 a run failed, 2 a scenario is bad input (FILE:LINE:COL; the others still run), 1 an expectation or a
golden trace failed, 0 all passed.

options:
  --junit FILE           write JUnit XML (a testsuite per argument, a testcase per scenario)
  --jobs N               scenarios run N at a time (default: number of cores)
  --update-golden        rewrite golden traces instead of comparing them
  --artifacts DIR        write report.json, trace.jsonl, captures and failures.txt of each failing scenario
                         under DIR/<scenario file name>/
  --timeout T            stop a scenario that runs longer than T of wall time (90s, 10m, 1h) and count it
                         as a failed run (exit 3), naming the virtual time it reached
  -h, --help             show this help`,
  },
  debug: {
    summary: 'serve the Debug Adapter Protocol (VS Code) or an operator console',
    usage: `usage: sysplex-emu debug <topology.yaml|scenario.yaml> [options]

options:
  --dap-port PORT        TCP port of the DAP server (default 4711; 0 picks a free one)
  --dap-host HOST        address to bind (default 127.0.0.1)
  --console              an interactive console instead of a DAP server
  -h, --help             show this help`,
  },
  validate: {
    summary: 'check a topology, scenario or TCP/IP profile and say what it holds',
    usage: `usage: sysplex-emu validate <topology.yaml|scenario.yaml|profile.tcpip> [--json] [--symbol NAME=VALUE ...]
                          [--dataset DSN=FILE ...]

Exit 0 when the file is valid; exit 2 with FILE:LINE:COL: what is wrong otherwise. For a profile: a summary of
what is modelled, what is accepted but not modelled (also as warnings on stderr) and what is refused.

options:
  --json                 print what was understood as JSON
  --symbol NAME=VALUE    a system symbol (&NAME.) for the profile(s); SYSNAME=X also gives &SYSCLONE. (repeatable)
  --dataset DSN=FILE     a data set a profile INCLUDEs: a file, or a folder of members (repeatable); members
                         are also looked for in the profile's own folder
  -h, --help             show this help`,
  },
  sweep: {
    summary: 'run a scenario over a cross product of parameter values; CSV, JSON and plots',
    usage: `usage: sysplex-emu sweep <scenario.yaml|topology.yaml> --set PATH=V1,V2,... [--set ...] [options]

Runs every combination of the values (N at a time, each run deterministic) and writes DIR/results.csv and
DIR/results.json (one row per point: the values set and every number of its report, named as an expect line
would name it) and DIR/sweep.html (a plot per metric that varies, against the first --set's values). PATH is an
expectation-style path into the topology or the scenario, with [*] for every element:
  osas[*].frameLatency=1us,2us,4us   lpars[name=SYS1].processors=1,2   xcf.links[name=SYS1-CF01].distance=1km,10km
A point that fails (a bad value, a run error, a false expectation) is a row with its error; the sweep goes on.
Exit status: 0 every point ran and held, 1 a point failed, 2 bad input (the file or an option).

options:
  --set PATH=V1,V2,...   a parameter and its values; repeat for more parameters (cross product)
  --seeds N              run each point with N seeds (the scenario's and the next N-1): mean, min, max, sd
  --jobs N               runs at a time (default: number of cores)
  --out DIR              where the results go (default sweep-out)
  --timeout T            stop a run past T of wall time (90s, 10m) and count its point as failed
  -h, --help             show this help`,
  },
  worker: {
    summary: 'a partition process of a partitioned run (started by run --partitions)',
    usage: `usage: sysplex-emu worker --connect ENDPOINT [--curve-server-key FILE --curve-client-key FILE]

options:
  --connect ENDPOINT     the coordinator's ZeroMQ endpoint (tcp://127.0.0.1:PORT)
  -h, --help             show this help`,
  },
};

export function mainUsage(version: string): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `sysplex-emu ${version}: a hardware co-design emulator of a mainframe sysplex running the Sysplex Distributor

usage: sysplex-emu <command> [options]

commands:
${lines.join('\n')}

Run 'sysplex-emu <command> --help' for a command's options.
Exit status: 0 success, 1 an expectation or test failed, 2 bad input, 3 the run itself failed.`;
}
