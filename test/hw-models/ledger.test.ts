// The LPAR's connection ledger keeps what the report's `lost` needs and no more: in a long run its memory
// follows the open and the failed connections, not every client endpoint ever seen (issue 20, item 4).

import { describe, expect, it } from 'vitest';
import { ConnectionLedger, remoteKey } from '../../hw-models/lpar/ledger.js';

const LOCAL = 0x0a01_0164; // 10.1.1.100
const CLIENT = 0x6440_0001; // 100.64.0.1

describe('connection ledger', () => {
  it('forgets connections that ended in order, keeps reset ones and those open when the LPAR went down', () => {
    const l = new ConnectionLedger();
    for (let port = 1024; port < 11024; port++) {
      l.record('open', LOCAL, 80, CLIENT, port);
      l.record(port % 1000 === 0 ? 'reset' : 'close', LOCAL, 80, CLIENT, port);
    }
    for (const port of [40000, 40001]) l.record('open', LOCAL, 80, CLIENT, port);
    const s = l.lookup(LOCAL, 80);
    expect({ total: s.total, active: s.active, closed: s.closed, reset: s.reset }).toEqual({ total: 10002, active: 2, closed: 9990, reset: 10 });
    const resets = Array.from({ length: 10 }, (_, i) => remoteKey(CLIENT, 2000 + 1000 * i));
    expect([...s.lastAssigned]).toEqual([...resets, remoteKey(CLIENT, 40000), remoteKey(CLIENT, 40001)]);
    l.down();
    expect(s.lostOnDown).toBe(2);
    expect(s.active).toBe(0);
    expect([...s.lastAssigned]).toEqual([...resets, remoteKey(CLIENT, 40000), remoteKey(CLIENT, 40001)]);
  });

  it('a client port used again counts once, as its last connection ended', () => {
    const l = new ConnectionLedger();
    l.record('open', LOCAL, 80, CLIENT, 5000);
    l.record('reset', LOCAL, 80, CLIENT, 5000);
    l.record('open', LOCAL, 80, CLIENT, 5000);
    expect([...l.lookup(LOCAL, 80).lastAssigned]).toEqual([remoteKey(CLIENT, 5000)]);
    l.record('close', LOCAL, 80, CLIENT, 5000);
    expect([...l.lookup(LOCAL, 80).lastAssigned]).toEqual([]);
  });
});
