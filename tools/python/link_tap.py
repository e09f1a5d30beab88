#!/usr/bin/env python3
"""A link-level model in Python for the sysplex-emu backplane: spliced into a link (`A <-> tap.a`,
`tap.b <-> B`), it forwards every message to the other side, adding the latency of its `b` link on the way to B,
and counts what it carries: frames (or IPv4 datagrams) and bytes in each direction.

    sysplex-emu run ... with external [{ name: TAP, link: LAN1.router-LAN1, latencyPs: 1000000,
                                          command: [python3, tools/python/link_tap.py] }]

The coordinator appends `--connect ENDPOINT`; the component's name comes in SYSPLEX_EMU_COMPONENT (or
--component NAME when started by hand).
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from backplane import ExternalModel, curve_from_environment, log, run_external  # noqa: E402


class LinkTap(ExternalModel):
    def __init__(self):
        super().__init__()
        self.frames = [0, 0]
        self.bytes = [0, 0]

    def on_event(self, time_ps, port_index, payload):
        out = 1 - port_index
        data = payload.get('frame') if isinstance(payload, dict) else None
        if data is None and isinstance(payload, dict):
            data = payload.get('packet')
        self.frames[out] += 1
        self.bytes[out] += len(data) if isinstance(data, (bytes, bytearray)) else 0
        self.send(time_ps, out, payload)

    def stats(self):
        return {'framesToB': self.frames[1], 'framesToA': self.frames[0], 'bytesToB': self.bytes[1], 'bytesToA': self.bytes[0]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--connect', required=True, help='the coordinator endpoint, tcp://127.0.0.1:PORT')
    ap.add_argument('--component', default=os.environ.get('SYSPLEX_EMU_COMPONENT'), help='the component name')
    args = ap.parse_args()
    if not args.component:
        log('link_tap: --component NAME is required')
        return 2
    return run_external(LinkTap(), args.component, args.connect, curve_from_environment())


if __name__ == '__main__':
    sys.exit(main())
