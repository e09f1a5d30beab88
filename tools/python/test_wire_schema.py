"""The Python component's messages against the wire schema (schema/backplane.schema.json), the schema the
coordinator and workers compile with ajv: what backplane.py sends, what it accepts, and what it must refuse.
Run: python3 -m unittest discover -s tools/python (needs python3-jsonschema; test/backplane/python.test.ts runs it)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from backplane import pack, unpack  # noqa: E402
from link_tap import LinkTap  # noqa: E402
from wire_schema import WireSchema  # noqa: E402

WIRE = WireSchema()


def roundtrip(m):
    """As the message travels: through this module's own msgpack codec."""
    return unpack(pack(m))


class WireSchemaTest(unittest.TestCase):
    def test_what_the_tap_sends_matches(self):
        tap = LinkTap()
        tap.welcome({'name': 'TAP', 'id': 7, 'ports': [
            {'index': 0, 'name': 'a', 'peerId': 3, 'peerPort': 1, 'latencyPs': 500000},
            {'index': 1, 'name': 'b', 'peerId': 4, 'peerPort': 0, 'latencyPs': 1500000}]})
        tap.on_event(2 ** 40, 0, {'kind': 'frame', 'frame': b'\x00' * 60})
        tap.on_event(2 ** 40 + 5, 1, {'kind': 'ipv4', 'packet': b'\x45' + b'\x00' * 19})
        for m in [
            {'v': 1, 'type': 'hello', 'role': 'external', 'component': 'TAP', 'partition': 2, 'token': 'abc'},
            {'v': 1, 'type': 'hb', 'partition': 2},
            {'v': 1, 'type': 'done', 'partition': 2, 'round': 1, 'next': -1, 'events': tap._out, 'delivered': 2},
            {'v': 1, 'type': 'summary', 'partition': 2, 'delivered': 2, 'stats': tap.stats()},
        ]:
            WIRE.validate(roundtrip(m), 'fromParticipant')
        self.assertEqual(tap._out[0][:5], [2 ** 40 + 1500000, 4, 7, 0, 0])

    def test_what_the_coordinator_sends_an_external_component_matches(self):
        welcome = {'v': 1, 'type': 'welcome', 'partition': 2, 'untilPs': 40 * 10 ** 9, 'lookaheadPs': 500000,
                   'component': {'name': 'TAP', 'id': 7, 'ports': [{'index': 0, 'name': 'a', 'peerId': 3, 'peerPort': 1, 'latencyPs': 500000}]}}
        grant = {'v': 1, 'type': 'grant', 'round': 3, 'bound': 2 ** 41, 'last': False,
                 'events': [[2 ** 40, 7, 3, 12, 0, {'kind': 'frame', 'frame': b'\x01\x02'}]]}
        for m in [welcome, grant, {'v': 1, 'type': 'summarize', 'notCompleted': [], 'displays': []}, {'v': 1, 'type': 'stop', 'reason': 'over'}]:
            WIRE.validate(roundtrip(m), 'fromCoordinator')

    def test_refuses_what_the_coordinator_refuses(self):
        bad = [
            ({'v': 1, 'type': 'hello', 'role': 'external'}, 'component'),
            ({'v': 1, 'type': 'done', 'partition': 0, 'round': 1, 'next': -2, 'events': [], 'delivered': 0}, 'next'),
            ({'v': 1, 'type': 'done', 'partition': 0, 'round': 1, 'next': -1, 'delivered': 0,
              'events': [[5, 1, 2, 3, 0, {'kind': 'frame', 'frame': 'not bytes'}]]}, 'byte string'),
            ({'v': 1, 'type': 'done', 'partition': 0, 'round': 1, 'next': -1, 'delivered': 0,
              'events': [[5, 1, 2, 3, 0, {'kind': 'transmit', 'packet': b'', 'nextHop': 1, 'queue': 9}]]}, 'queue'),
            ({'v': 1, 'type': 'summary', 'partition': 0, 'delivered': 0, 'displays': [3]}, 'displays'),
        ]
        for m, why in bad:
            with self.assertRaises(ValueError) as cm:
                WIRE.validate(roundtrip(m), 'fromParticipant')
            self.assertIn(why, str(cm.exception))


if __name__ == '__main__':
    unittest.main()
