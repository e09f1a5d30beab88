import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chooseTarget,
  keepLocal,
  NO_TARGET,
  SdError,
  ServiceTable,
  Vdpt,
  type DistMethod,
  type VdptPort,
  type VdptPortConfig,
} from '../../../src/firmware/sd/index.js';
import { ip } from './packets.js';

const DVIPA = ip('10.1.1.10');
const A = 0;
const B = 1;
const C = 2;
const D = 3;

/** A Vdpt whose targets 0..n-1 are group members with a path, and one port with them all configured. */
function setup(config: VdptPortConfig, n = 3, dests: Parameters<VdptPort['addTarget']>[1][] = []): { vdpt: Vdpt; port: VdptPort } {
  const vdpt = new Vdpt(new ServiceTable(), { targets: 8 });
  for (let t = 0; t < n; t++) {
    vdpt.setMember(t, true);
    vdpt.setPathUp(t, true);
  }
  const port = vdpt.define(DVIPA, 80, config);
  for (let t = 0; t < n; t++) port.addTarget(t, dests[t] ?? {});
  return { vdpt, port };
}

/** Distribute `n` connections (held open: ActConn grows); returns how many each target got. */
function distribute(port: VdptPort, n: number): number[] {
  const got = new Array<number>(port.targets).fill(0);
  for (let i = 0; i < n; i++) {
    const t = chooseTarget(port);
    expect(t).not.toBe(NO_TARGET);
    got[t]!++;
    port.connectionStarted(t);
  }
  return got;
}

describe('ROUNDROBIN', () => {
  it('rotates strictly 1:1:1 over ready targets, whatever their listener counts', () => {
    const { port } = setup({ method: 'ROUNDROBIN' });
    port.listen(A);
    port.setReady(B, 5); // five SHAREPORT listeners still get one per turn
    port.listen(C);
    const seq = Array.from({ length: 9 }, () => chooseTarget(port));
    expect(seq).toEqual([A, B, C, A, B, C, A, B, C]);
    expect(distribute(port, 300).slice(0, 3)).toEqual([100, 100, 100]);
  });

  it('skips targets that are not ready, out of the group, without a path or quiesced', () => {
    const { vdpt, port } = setup({ method: 'ROUNDROBIN' }, 4);
    for (const t of [A, B, C, D]) port.listen(t);
    port.unlisten(B);
    vdpt.setPathUp(C, false);
    expect(Array.from({ length: 4 }, () => chooseTarget(port))).toEqual([A, D, A, D]);
    vdpt.setPathUp(C, true);
    vdpt.setQuiesced(D, true);
    expect(Array.from({ length: 4 }, () => chooseTarget(port))).toEqual([A, C, A, C]);
    vdpt.setMember(A, false);
    port.setPortQuiesced(C, true);
    expect(chooseTarget(port)).toBe(NO_TARGET);
    port.setPortQuiesced(C, false);
    expect(chooseTarget(port)).toBe(C);
  });

  it('keeps the rotation when a target is removed from DESTIP', () => {
    const { port } = setup({ method: 'ROUNDROBIN' }, 4);
    for (const t of [A, B, C, D]) port.listen(t);
    expect([chooseTarget(port), chooseTarget(port)]).toEqual([A, B]);
    port.removeTarget(B);
    expect([chooseTarget(port), chooseTarget(port), chooseTarget(port)]).toEqual([C, D, A]);
  });

  it('property: over k full turns every eligible target gets exactly k', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 5, maxLength: 5 }), fc.integer({ min: 1, max: 20 }), (ready, k) => {
        const { port } = setup({ method: 'ROUNDROBIN' }, 5);
        ready.forEach((r, t) => port.setReady(t, r));
        const eligible = ready.filter((r) => r > 0).length;
        const got = distribute(port, eligible * k);
        ready.forEach((r, t) => expect(got[t]).toBe(r > 0 ? k : 0));
      }),
    );
  });
});

describe('WEIGHTEDACTIVE', () => {
  it('keeps active connections 10/30/60 for weights 10/30/60', () => {
    const { port } = setup({ method: 'WEIGHTEDACTIVE' }, 3, [{ weight: 10 }, { weight: 30 }, { weight: 60 }]);
    for (const t of [A, B, C]) port.listen(t);
    expect(distribute(port, 100).slice(0, 3)).toEqual([10, 30, 60]);
    expect([...port.activeConn.slice(0, 3)]).toEqual([10, 30, 60]);
    expect(distribute(port, 900).slice(0, 3)).toEqual([90, 270, 540]);
  });

  it('refills the target whose connections ended', () => {
    const { port } = setup({ method: 'WEIGHTEDACTIVE' }, 3, [{ weight: 10 }, { weight: 30 }, { weight: 60 }]);
    for (const t of [A, B, C]) port.listen(t);
    distribute(port, 100);
    for (let i = 0; i < 20; i++) port.connectionEnded(C);
    expect(distribute(port, 20).slice(0, 3)).toEqual([0, 0, 20]);
    expect(port.totalConn[C]).toBe(80);
    expect(port.activeConn[C]).toBe(60);
  });

  it('property: after N*sum(weights) held-open connections each target holds N*weight', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 4 }), (weights, n) => {
        const { port } = setup({ method: 'WEIGHTEDACTIVE' }, weights.length, weights.map((weight) => ({ weight })));
        weights.forEach((_, t) => port.listen(t));
        const sum = weights.reduce((a, b) => a + b, 0);
        const got = distribute(port, n * sum);
        weights.forEach((w, t) => expect(got[t]).toBe(n * w));
      }),
    );
  });

  it('scales weights by TSR and falls back to rotation when every weight is 0', () => {
    const { port } = setup({ method: 'WEIGHTEDACTIVE' }, 2, [{ weight: 10 }, { weight: 10 }]);
    port.listen(A);
    port.listen(B);
    port.setTsr(B, 50);
    expect(distribute(port, 30).slice(0, 2)).toEqual([20, 10]);
    expect(port.displayWeight(B)).toBe(5);
    port.setTsr(A, 0);
    port.setTsr(B, 0);
    expect(Array.from({ length: 4 }, () => chooseTarget(port))).toEqual([A, B, A, B]);
  });
});

describe('BASEWLM and SERVERWLM', () => {
  it('BASEWLM distributes in proportion to the WLM system weights, smoothly', () => {
    const { vdpt, port } = setup({ method: 'BASEWLM' });
    for (const t of [A, B, C]) port.listen(t);
    vdpt.setSystemWeight(A, 8);
    vdpt.setSystemWeight(B, 16);
    vdpt.setSystemWeight(C, 40);
    const got = distribute(port, 64 * 10);
    expect(got.slice(0, 3)).toEqual([80, 160, 400]);
    // Smooth: in any window of 64 consecutive picks every target gets exactly its weight.
    const seq = Array.from({ length: 128 }, () => chooseTarget(port));
    for (let start = 0; start <= 64; start += 16) {
      const w = seq.slice(start, start + 64);
      expect([A, B, C].map((t) => w.filter((x) => x === t).length)).toEqual([8, 16, 40]);
    }
    expect(port.displayWeight(C)).toBe(40);
  });

  it('BASEWLM falls back to round robin when no target reported a weight', () => {
    const { port } = setup({ method: 'BASEWLM' });
    for (const t of [A, B, C]) port.listen(t);
    expect(Array.from({ length: 6 }, () => chooseTarget(port))).toEqual([A, B, C, A, B, C]);
  });

  it('BASEWLM gives nothing to a zero-weight target while others have weight, and skips non-ready ones', () => {
    const { vdpt, port } = setup({ method: 'BASEWLM' });
    for (const t of [A, B, C]) port.listen(t);
    vdpt.setSystemWeight(A, 0);
    vdpt.setSystemWeight(B, 3);
    vdpt.setSystemWeight(C, 1);
    expect(distribute(port, 40).slice(0, 3)).toEqual([0, 30, 10]);
    port.unlisten(B);
    expect(distribute(port, 5).slice(0, 3)).toEqual([0, 0, 5]);
  });

  it('SERVERWLM uses the per-server weights, not the system ones', () => {
    const { vdpt, port } = setup({ method: 'SERVERWLM' });
    for (const t of [A, B, C]) {
      port.listen(t);
      vdpt.setSystemWeight(t, 64);
    }
    port.setServerWeight(A, 1);
    port.setServerWeight(B, 2);
    port.setServerWeight(C, 7);
    expect(distribute(port, 100).slice(0, 3)).toEqual([10, 20, 70]);
  });

  it('property: BASEWLM over k cycles gives each target k x weight', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 3 }), (weights, k) => {
        const { vdpt, port } = setup({ method: 'BASEWLM' }, weights.length);
        weights.forEach((w, t) => {
          port.listen(t);
          vdpt.setSystemWeight(t, w);
        });
        const got = distribute(port, k * weights.reduce((a, b) => a + b, 0));
        weights.forEach((w, t) => expect(got[t]).toBe(k * w));
      }),
    );
  });
});

describe('HOTSTANDBY', () => {
  const dests = [{ preferred: true }, { backupRank: 100 }, { backupRank: 200 }];

  it('sends everything to the PREFERRED target while it is ready', () => {
    const { port } = setup({ method: 'HOTSTANDBY' }, 3, dests);
    for (const t of [A, B, C]) port.listen(t);
    expect(distribute(port, 50).slice(0, 3)).toEqual([50, 0, 0]);
  });

  it('fails over to the highest-ranked ready backup, and on to the next', () => {
    const { vdpt, port } = setup({ method: 'HOTSTANDBY' }, 3, dests);
    for (const t of [A, B, C]) port.listen(t);
    port.unlisten(A);
    expect(chooseTarget(port)).toBe(C);
    vdpt.targetLost(C);
    expect(chooseTarget(port)).toBe(B);
    port.unlisten(B);
    expect(chooseTarget(port)).toBe(NO_TARGET);
  });

  it('AUTOSWITCHBACK returns new work to the preferred when it is ready again', () => {
    const { port } = setup({ method: 'HOTSTANDBY', autoSwitchBack: true }, 3, dests);
    for (const t of [A, B, C]) port.listen(t);
    port.unlisten(A);
    expect(chooseTarget(port)).toBe(C);
    port.listen(A);
    expect(chooseTarget(port)).toBe(A);
  });

  it('NOAUTOSWITCHBACK keeps the current active until it becomes unavailable', () => {
    const { port } = setup({ method: 'HOTSTANDBY', autoSwitchBack: false }, 3, dests);
    for (const t of [A, B, C]) port.listen(t);
    port.unlisten(A);
    expect(chooseTarget(port)).toBe(C);
    port.listen(A);
    expect(distribute(port, 10).slice(0, 3)).toEqual([0, 0, 10]);
    port.unlisten(C);
    expect(chooseTarget(port)).toBe(A); // PREFERRED ranks above every backup
  });

  it('NOAUTOSWITCHBACK: the first target to become ready is active, whatever its type', () => {
    const { port } = setup({ method: 'HOTSTANDBY', autoSwitchBack: false }, 3, dests);
    port.listen(B);
    port.listen(A);
    port.listen(C);
    expect(chooseTarget(port)).toBe(B);
  });

  it('HEALTHSWITCH leaves a target whose TSR is 0; NOHEALTHSWITCH does not', () => {
    const health = setup({ method: 'HOTSTANDBY' }, 3, dests);
    for (const t of [A, B, C]) health.port.listen(t);
    health.port.setTsr(A, 0);
    expect(chooseTarget(health.port)).toBe(C);
    const noHealth = setup({ method: 'HOTSTANDBY', healthSwitch: false }, 3, dests);
    for (const t of [A, B, C]) noHealth.port.listen(t);
    noHealth.port.setTsr(A, 0);
    expect(chooseTarget(noHealth.port)).toBe(A);
  });

  it('rejects a HOTSTANDBY target without a role and a second PREFERRED', () => {
    const { port } = setup({ method: 'HOTSTANDBY' }, 3, dests);
    expect(() => port.addTarget(D)).toThrow(SdError);
    expect(() => port.addTarget(D, { preferred: true })).toThrow(/one PREFERRED/);
    expect(() => port.addTarget(D, { backupRank: 255 })).toThrow(SdError);
  });
});

describe('OPTLOCAL', () => {
  function optSetup(method: DistMethod, optLocal: number | undefined): { vdpt: Vdpt; port: VdptPort } {
    const s = setup(optLocal === undefined ? { method } : { method, optLocal });
    for (const t of [A, B, C]) {
      s.port.listen(t);
      s.vdpt.setSystemWeight(t, 10);
    }
    return s;
  }

  it('NOOPTLOCAL always goes to the distributor', () => {
    const { port } = optSetup('BASEWLM', undefined);
    expect(keepLocal(port, B)).toBe(false);
  });

  it('keeps nothing local without a local listener', () => {
    const { port } = optSetup('BASEWLM', 0);
    port.unlisten(B);
    expect(keepLocal(port, B)).toBe(false);
    expect(keepLocal(port, D)).toBe(false);
    expect(keepLocal(port, 99)).toBe(false);
  });

  it('0 keeps local whenever a local listener exists, even with weight 0', () => {
    const { vdpt, port } = optSetup('BASEWLM', 0);
    vdpt.setSystemWeight(B, 0);
    expect(keepLocal(port, B)).toBe(true);
  });

  it('1 keeps local while the local weight is not zero', () => {
    const { vdpt, port } = optSetup('BASEWLM', 1);
    vdpt.setSystemWeight(B, 1);
    expect(keepLocal(port, B)).toBe(true);
    vdpt.setSystemWeight(B, 0);
    expect(keepLocal(port, B)).toBe(false);
    vdpt.setSystemWeight(B, 5);
    port.setTsr(B, 0);
    expect(keepLocal(port, B)).toBe(false);
  });

  it('n >= 2 keeps local while n x the local weight matches the best other target', () => {
    const { vdpt, port } = optSetup('BASEWLM', 4);
    vdpt.setSystemWeight(B, 10);
    vdpt.setSystemWeight(C, 40);
    expect(keepLocal(port, B)).toBe(true); // 4 x 10 >= 40
    vdpt.setSystemWeight(C, 41);
    expect(keepLocal(port, B)).toBe(false);
    port.unlisten(C); // a heavier target that is not ready does not count
    expect(keepLocal(port, B)).toBe(true);
  });

  it('HOTSTANDBY keeps local only on the active server', () => {
    const { port } = setup({ method: 'HOTSTANDBY', optLocal: 1 }, 2, [{ preferred: true }, { backupRank: 10 }]);
    port.listen(A);
    port.listen(B);
    expect(keepLocal(port, A)).toBe(true);
    expect(keepLocal(port, B)).toBe(false);
  });
});

describe('Vdpt bookkeeping', () => {
  it('counts listeners and connections, and clears a lost target', () => {
    const { vdpt, port } = setup({ method: 'ROUNDROBIN' });
    port.listen(A);
    port.listen(A);
    port.unlisten(B); // never below zero
    expect(port.ready[A]).toBe(2);
    expect(port.ready[B]).toBe(0);
    port.connectionStarted(A);
    port.connectionStarted(A);
    port.connectionEnded(A);
    port.connectionEnded(B);
    port.connectionRestored(C);
    expect([port.totalConn[A], port.activeConn[A], port.activeConn[B], port.totalConn[C], port.activeConn[C]]).toEqual([2, 1, 0, 0, 1]);
    vdpt.targetLost(A);
    expect([port.ready[A], port.activeConn[A], port.totalConn[A]]).toEqual([0, 0, 2]);
    expect(port.eligible(A)).toBe(false);
    expect(vdpt.get(DVIPA, 80)).toBe(port);
    expect(vdpt.get(DVIPA, 81)).toBeUndefined();
    expect(() => vdpt.define(DVIPA, 80, { method: 'BASEWLM' })).toThrow(SdError);
    expect(vdpt.remove(DVIPA, 80)).toBe(true);
    expect(vdpt.size).toBe(0);
    expect(port.toString()).toBe('10.1.1.10..80');
  });

  it('rejects out-of-range configuration with SdError', () => {
    const vdpt = new Vdpt(new ServiceTable(), { targets: 4 });
    expect(() => vdpt.define(DVIPA, 80, { method: 'BASEWLM', optLocal: 17 })).toThrow(SdError);
    const port = vdpt.define(DVIPA, 81, { method: 'WEIGHTEDACTIVE' });
    expect(() => port.addTarget(4)).toThrow(SdError);
    expect(() => port.addTarget(0, { weight: -1 })).toThrow(SdError);
    expect(() => port.setTsr(0, 101)).toThrow(SdError);
    expect(() => vdpt.setSystemWeight(0, 65)).toThrow(SdError);
    expect(() => new Vdpt(new ServiceTable(), { targets: 257 })).toThrow(SdError);
  });
});
