// The ownership rules (src/firmware/sysplex/rules.ts) on their own: who should own a DVIPA, and what the
// stack that applies them does about it.
import { describe, expect, it } from 'vitest';
import { type Claim, type OwnershipFacts, designated, ownershipMove } from '../../src/firmware/sysplex/rules.js';

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
  const base: OwnershipFacts = { self: 'SYS2', owner: null, want: null, wantDefine: null, definedHere: false, connections: () => 0, afterLoss: false };
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
  it('a returning higher-ranked backup does not pre-empt the acting one', () => {
    expect(ownershipMove({ ...base, owner: 'SYS2', want: 'SYS1', wantDefine: null })).toEqual({ kind: 'none' });
  });
  it('leaves a DVIPA another stack owns alone', () => {
    expect(ownershipMove({ ...base, owner: 'SYS3', want: 'SYS2', definedHere: true, afterLoss: true })).toEqual({ kind: 'none' });
  });
});
