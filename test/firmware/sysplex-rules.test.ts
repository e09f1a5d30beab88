// The ownership rules (src/firmware/sysplex/rules.ts) on their own: who should own a DVIPA, and what the
// stack that applies them does about it.
import { describe, expect, it } from 'vitest';
import { type Claim, type OwnershipFacts, designated, ownershipMove } from '../../src/firmware/sysplex/rules.js';
import { wlmChanged } from '../../src/firmware/sysplex/membership.js';

const define = (moveable = 'IMMEDIATE'): Claim => ({ define: moveable, rank: 0, deactivated: false });
const backup = (rank: number): Claim => ({ define: null, rank, deactivated: false });

describe('designated', () => {
  it('prefers the VIPADEFINE stack over any backup', () => {
    expect(designated([['SYS2', backup(254)], ['SYS3', define()], ['SYS1', backup(100)]])).toBe('SYS3');
  });
  it('takes the highest rank among backups, ties by stack name', () => {
    expect(designated([['SYS3', backup(50)], ['SYS2', backup(100)], ['SYS1', backup(50)]])).toBe('SYS2');
    expect(designated([['SYS3', backup(100)], ['SYS2', backup(100)]])).toBe('SYS2');
  });
  it('skips deactivated stacks, stacks with nothing declared and rank 0', () => {
    expect(designated([['SYS1', { ...define(), deactivated: true }], ['SYS2', undefined], ['SYS3', backup(0)], ['SYS4', backup(1)]])).toBe('SYS4');
    expect(designated([['SYS1', undefined]])).toBeNull();
  });
});

describe('ownershipMove', () => {
  const base: OwnershipFacts = { self: 'SYS2', owner: null, want: null, wantDefine: null, definedHere: false, connections: () => 0, afterLoss: false, stateKnown: true, rebuilding: false };
  it('activates at IPL only on the VIPADEFINE stack; a backup only takes over after a loss', () => {
    expect(ownershipMove({ ...base, want: 'SYS2', definedHere: true })).toEqual({ kind: 'activate', how: 'activate' });
    expect(ownershipMove({ ...base, want: 'SYS2' })).toEqual({ kind: 'none' });
    expect(ownershipMove({ ...base, want: 'SYS2', afterLoss: true })).toEqual({ kind: 'activate', how: 'takeover' });
  });
  it('hands the DVIPA back to its returning VIPADEFINE stack, WHENIDLE only without connections', () => {
    const owning = { ...base, owner: 'SYS2', want: 'SYS1' };
    expect(ownershipMove({ ...owning, wantDefine: 'IMMEDIATE', connections: () => 5 })).toEqual({ kind: 'handover', to: 'SYS1' });
    expect(ownershipMove({ ...owning, wantDefine: 'WHENIDLE', connections: () => 5 })).toEqual({ kind: 'none' });
    expect(ownershipMove({ ...owning, wantDefine: 'WHENIDLE' })).toEqual({ kind: 'handover', to: 'SYS1' });
  });
  it('hands over only a complete VCRT: not while targets\' reports after its takeover are outstanding', () => {
    const owning = { ...base, owner: 'SYS2', want: 'SYS1', wantDefine: 'IMMEDIATE' };
    expect(ownershipMove({ ...owning, rebuilding: true })).toEqual({ kind: 'none' });
    expect(ownershipMove(owning)).toEqual({ kind: 'handover', to: 'SYS1' });
  });
  it('a returning higher-ranked backup does not pre-empt the acting one', () => {
    expect(ownershipMove({ ...base, owner: 'SYS2', want: 'SYS1', wantDefine: null })).toEqual({ kind: 'none' });
  });
  it('leaves a DVIPA another stack owns alone', () => {
    expect(ownershipMove({ ...base, owner: 'SYS3', want: 'SYS2', definedHere: true, afterLoss: true })).toEqual({ kind: 'none' });
  });
  it('takeback is a handover: the returning VIPADEFINE stack never activates while another member has it active', () => {
    // Re-IPLed SYS1: until every member's hello is in it cannot know who has the DVIPA active, so it waits.
    const returning = { ...base, self: 'SYS1', want: 'SYS1', definedHere: true };
    expect(ownershipMove({ ...returning, stateKnown: false })).toEqual({ kind: 'none' });
    expect(ownershipMove({ ...returning, stateKnown: false, afterLoss: true })).toEqual({ kind: 'none' });
    // SYS2's hello said it has the DVIPA active: SYS1 waits for SYS2's handover (none), SYS2 hands over.
    expect(ownershipMove({ ...returning, owner: 'SYS2' })).toEqual({ kind: 'none' });
    expect(ownershipMove({ ...base, owner: 'SYS2', want: 'SYS1', wantDefine: 'IMMEDIATE' })).toEqual({ kind: 'handover', to: 'SYS1' });
    // Every hello in and nobody has it active: SYS1 activates it, as at a first IPL.
    expect(ownershipMove(returning)).toEqual({ kind: 'activate', how: 'activate' });
    // The member that had it active fails before handing over: the VIPADEFINE stack takes it over.
    expect(ownershipMove({ ...returning, afterLoss: true })).toEqual({ kind: 'activate', how: 'takeover' });
  });
  it('a backup takes over from a lost owner even while a newcomer\'s hello is outstanding', () => {
    expect(ownershipMove({ ...base, want: 'SYS2', afterLoss: true, stateKnown: false })).toEqual({ kind: 'activate', how: 'takeover' });
  });
});

describe('wlmChanged (what a WLM poll sends a member)', () => {
  const total = 1_000_000;
  const last = { m: 'wlm' as const, weight: 40, unused: 900_000, total };
  it('sends a first value, a changed weight or capacity, and unused capacity moved by 1/128 of the total', () => {
    expect(wlmChanged(undefined, last)).toBe(true);
    expect(wlmChanged(last, { ...last, weight: 41 })).toBe(true);
    expect(wlmChanged(last, { ...last, total: total * 2 })).toBe(true);
    expect(wlmChanged(last, { ...last, unused: 900_000 - total / 128 })).toBe(true);
    expect(wlmChanged({ m: 'wlm', weight: 40 }, last)).toBe(true);
  });
  it('does not send the same data again, nor a change too small to move a weight', () => {
    expect(wlmChanged(last, { ...last })).toBe(false);
    expect(wlmChanged(last, { ...last, unused: 900_000 - total / 200 })).toBe(false);
    expect(wlmChanged({ m: 'wlm', weight: 12 }, { m: 'wlm', weight: 12 })).toBe(false);
  });
});
