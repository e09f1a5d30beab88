"""A participant of the sysplex-emu backplane in Python (docs/backplane.md): the wire protocol over ZeroMQ
(Debian's python3-zmq) with a small msgpack codec of its own, so nothing but pyzmq is needed.

A model subclasses ExternalModel and implements on_event(); run_external() connects it to the coordinator,
answers grants, heartbeats, and exits when the coordinator stops the run or goes away.
"""

import os
import struct
import sys
import time

import zmq

import wire_schema

PROTOCOL_VERSION = 1
HEARTBEAT_S = 0.4
SILENCE_S = 3.0


# ---- msgpack (the subset the protocol uses: nil, bool, int, float, str, bin, array, map) --------------------

def pack(value):
    out = bytearray()
    _pack(value, out)
    return bytes(out)


def _pack(v, out):
    if v is None:
        out.append(0xC0)
    elif v is True:
        out.append(0xC3)
    elif v is False:
        out.append(0xC2)
    elif isinstance(v, int):
        if 0 <= v < 0x80:
            out.append(v)
        elif -32 <= v < 0:
            out.append(v & 0xFF)
        elif 0 <= v <= 0xFFFFFFFF:
            out += b'\xce' + struct.pack('>I', v)
        elif 0 <= v < 2 ** 64:
            # sysplex-emu reads 64-bit integers as numbers; virtual times stay below 2^53 ps.
            out += b'\xcf' + struct.pack('>Q', v)
        else:
            out += b'\xd3' + struct.pack('>q', v)
    elif isinstance(v, float):
        out += b'\xcb' + struct.pack('>d', v)
    elif isinstance(v, str):
        b = v.encode('utf-8')
        n = len(b)
        if n < 32:
            out.append(0xA0 | n)
        elif n < 0x100:
            out += bytes((0xD9, n))
        elif n < 0x10000:
            out += b'\xda' + struct.pack('>H', n)
        else:
            out += b'\xdb' + struct.pack('>I', n)
        out += b
    elif isinstance(v, (bytes, bytearray, memoryview)):
        b = bytes(v)
        n = len(b)
        if n < 0x100:
            out += bytes((0xC4, n))
        elif n < 0x10000:
            out += b'\xc5' + struct.pack('>H', n)
        else:
            out += b'\xc6' + struct.pack('>I', n)
        out += b
    elif isinstance(v, (list, tuple)):
        n = len(v)
        if n < 16:
            out.append(0x90 | n)
        elif n < 0x10000:
            out += b'\xdc' + struct.pack('>H', n)
        else:
            out += b'\xdd' + struct.pack('>I', n)
        for x in v:
            _pack(x, out)
    elif isinstance(v, dict):
        n = len(v)
        if n < 16:
            out.append(0x80 | n)
        elif n < 0x10000:
            out += b'\xde' + struct.pack('>H', n)
        else:
            out += b'\xdf' + struct.pack('>I', n)
        for k, x in v.items():
            _pack(k, out)
            _pack(x, out)
    else:
        raise TypeError('cannot msgpack %r' % type(v))


class _Reader:
    def __init__(self, data):
        self.d = data
        self.i = 0

    def take(self, n):
        if self.i + n > len(self.d):
            raise ValueError('truncated msgpack')
        b = self.d[self.i:self.i + n]
        self.i += n
        return b

    def value(self):
        t = self.take(1)[0]
        if t < 0x80:
            return t
        if t >= 0xE0:
            return t - 0x100
        if 0x80 <= t <= 0x8F:
            return self.map(t & 0x0F)
        if 0x90 <= t <= 0x9F:
            return [self.value() for _ in range(t & 0x0F)]
        if 0xA0 <= t <= 0xBF:
            return self.take(t & 0x1F).decode('utf-8')
        fixed = {
            0xC0: lambda: None, 0xC2: lambda: False, 0xC3: lambda: True,
            0xC4: lambda: bytes(self.take(self.take(1)[0])),
            0xC5: lambda: bytes(self.take(struct.unpack('>H', self.take(2))[0])),
            0xC6: lambda: bytes(self.take(struct.unpack('>I', self.take(4))[0])),
            0xCA: lambda: struct.unpack('>f', self.take(4))[0],
            0xCB: lambda: struct.unpack('>d', self.take(8))[0],
            0xCC: lambda: self.take(1)[0],
            0xCD: lambda: struct.unpack('>H', self.take(2))[0],
            0xCE: lambda: struct.unpack('>I', self.take(4))[0],
            0xCF: lambda: struct.unpack('>Q', self.take(8))[0],
            0xD0: lambda: struct.unpack('>b', self.take(1))[0],
            0xD1: lambda: struct.unpack('>h', self.take(2))[0],
            0xD2: lambda: struct.unpack('>i', self.take(4))[0],
            0xD3: lambda: struct.unpack('>q', self.take(8))[0],
            0xD9: lambda: self.take(self.take(1)[0]).decode('utf-8'),
            0xDA: lambda: self.take(struct.unpack('>H', self.take(2))[0]).decode('utf-8'),
            0xDB: lambda: self.take(struct.unpack('>I', self.take(4))[0]).decode('utf-8'),
            0xDC: lambda: [self.value() for _ in range(struct.unpack('>H', self.take(2))[0])],
            0xDD: lambda: [self.value() for _ in range(struct.unpack('>I', self.take(4))[0])],
            0xDE: lambda: self.map(struct.unpack('>H', self.take(2))[0]),
            0xDF: lambda: self.map(struct.unpack('>I', self.take(4))[0]),
        }
        if t in fixed:
            return fixed[t]()
        raise ValueError('unsupported msgpack type 0x%02x' % t)

    def map(self, n):
        m = {}
        for _ in range(n):
            k = self.value()
            m[k] = self.value()
        return m


def unpack(data):
    r = _Reader(data)
    v = r.value()
    if r.i != len(data):
        raise ValueError('trailing bytes after the msgpack value')
    return v


def as_int(x):
    """Times arrive as integers or, past 2^32, as float64 holding an integer."""
    if isinstance(x, float) and x.is_integer():
        return int(x)
    if isinstance(x, bool) or not isinstance(x, int):
        raise ValueError('not an integer: %r' % (x,))
    return x


# ---- the participant ---------------------------------------------------------------------------------------

class ExternalModel:
    """A component of the graph that runs here. `ports` come from the coordinator's welcome: each has index,
    name, peerId, peerPort and latencyPs (an event sent on it at time t arrives at t + latencyPs)."""

    def __init__(self):
        self.name = None
        self.id = None
        self.ports = []
        self.seq = 0
        self.delivered = 0
        self._out = []

    def welcome(self, component):
        self.name = component['name']
        self.id = as_int(component['id'])
        self.ports = component['ports']

    def send(self, now, port_index, payload):
        """Sends `payload` out of port `port_index` at virtual time `now` (the kernel's Port.send with no
        serialisation): it arrives at now + the port's link latency, ordered by this component's sequence."""
        p = self.ports[port_index]
        self._out.append([now + as_int(p['latencyPs']), as_int(p['peerId']), self.id, self.seq, as_int(p['peerPort']), payload])
        self.seq += 1

    def on_event(self, time_ps, port_index, payload):
        raise NotImplementedError

    def stats(self):
        return {}


def log(line):
    sys.stderr.write(line + '\n')
    sys.stderr.flush()


def run_external(model, component, endpoint, curve=None):
    """Joins the run at `endpoint` as external component `component` and serves it to the end."""
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    if curve is not None:
        sock.curve_serverkey = curve['server_public'].encode()
        sock.curve_publickey = curve['client_public'].encode()
        sock.curve_secretkey = curve['client_secret'].encode()
    sock.connect(endpoint)
    wire = wire_schema.from_environment()

    def send(message):
        if wire is not None:
            # Under test: what this component sends must match the schema (a mismatch raises, exit 1).
            wire.validate(message, 'fromParticipant')
        sock.send(pack(message))

    env = os.environ
    partition = int(env['SYSPLEX_EMU_PARTITION']) if 'SYSPLEX_EMU_PARTITION' in env else None
    hello = {'v': PROTOCOL_VERSION, 'type': 'hello', 'role': 'external', 'component': component}
    if partition is not None:
        hello['partition'] = partition
    if 'SYSPLEX_EMU_TOKEN' in env:
        hello['token'] = env['SYSPLEX_EMU_TOKEN']
    send(hello)

    me = None
    last_heard = time.monotonic()
    last_beat = 0.0
    poller = zmq.Poller()
    poller.register(sock, zmq.POLLIN)
    stdin = sys.stdin.fileno() if partition is not None else None
    if stdin is not None:
        # Started by the coordinator: when it ends, our stdin closes.
        poller.register(stdin, zmq.POLLIN)
    while True:
        now = time.monotonic()
        if me is not None and now - last_beat > HEARTBEAT_S:
            send({'v': PROTOCOL_VERSION, 'type': 'hb', 'partition': me})
            last_beat = now
        if now - last_heard > (SILENCE_S if me is not None else 60.0):
            log('%s: the coordinator is silent; leaving' % component)
            return 3
        ready = dict(poller.poll(int(HEARTBEAT_S * 1000 / 2)))
        if stdin is not None and stdin in ready and not os.read(stdin, 4096):
            log('%s: the coordinator is gone (stdin closed)' % component)
            return 3
        if sock not in ready:
            continue
        frames = sock.recv_multipart()
        last_heard = time.monotonic()
        try:
            if len(frames) != 1:
                raise ValueError('a multi-frame message')
            m = unpack(frames[0])
            if not isinstance(m, dict) or m.get('v') != PROTOCOL_VERSION:
                raise ValueError('not a message of protocol version %d' % PROTOCOL_VERSION)
        except ValueError as e:
            log('%s: dropped a message: %s' % (component, e))
            continue
        if wire is not None:
            # Under test, what the coordinator sends must match the schema too: a mismatch ends the run (exit 3).
            try:
                wire.validate(m, 'fromCoordinator')
            except ValueError as e:
                log('%s: %s' % (component, e))
                return 3
        kind = m.get('type')
        if kind == 'welcome':
            me = as_int(m['partition'])
            model.welcome(m['component'])
        elif kind == 'grant':
            for e in m['events']:
                model.delivered += 1
                model.on_event(as_int(e[0]), as_int(e[4]), e[5])
            out, model._out = model._out, []
            send({'v': PROTOCOL_VERSION, 'type': 'done', 'partition': me, 'round': as_int(m['round']),
                  'next': -1, 'events': out, 'delivered': model.delivered})
        elif kind == 'summarize':
            send({'v': PROTOCOL_VERSION, 'type': 'summary', 'partition': me,
                  'delivered': model.delivered, 'stats': model.stats()})
        elif kind == 'stop':
            return 0


def read_certificate(path):
    """public-key / secret-key of a ZeroMQ certificate file (the zcert format)."""
    keys = {}
    with open(path) as f:
        for line in f:
            parts = line.strip().split('=', 1)
            if len(parts) == 2 and parts[0].strip() in ('public-key', 'secret-key'):
                keys[parts[0].strip()] = parts[1].strip().strip('"')
    return keys


def curve_from_environment():
    env = os.environ
    if 'SYSPLEX_EMU_CURVE_SERVER_KEY' not in env:
        return None
    server = read_certificate(env['SYSPLEX_EMU_CURVE_SERVER_KEY'])
    client = read_certificate(env['SYSPLEX_EMU_CURVE_CLIENT_KEY'])
    return {'server_public': server['public-key'], 'client_public': client['public-key'], 'client_secret': client['secret-key']}
