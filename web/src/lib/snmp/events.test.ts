import { describe, expect, it } from 'vitest';
import type { SnmpEvent } from '../types';
import { describeEvent, liveEvent, mergeEvents } from './events';

const trap = {
  id: 'ev-7',
  device: 'd-1',
  name: 'epc-north-1',
  at: '2026-11-27T10:00:05.000Z',
  version: '2c',
  source: '10.0.0.5:49152',
  trap_oid: '1.3.6.1.6.3.1.1.5.3',
  trap_name: 'IF-MIB::linkDown',
  inform: false,
  varbinds: [{ oid: '1.3.6.1.2.1.2.2.1.1.3', name: 'IF-MIB::ifIndex.3', type: 'Integer', value: '3' }],
};
const status = { device: 'd-1', name: 'epc-north-1', status: 'down', previous: 'up', at: '2026-11-27T10:01:00.000Z', reason: 'timeout' };

describe('liveEvent', () => {
  it('turns pushed traps and status changes of the device into list items', () => {
    expect(liveEvent('acme', { type: 'snmp.trap', tenant: 'acme', data: trap }, 'd-1')).toMatchObject({ id: 'ev-7', type: 'snmp.trap', device: 'd-1', at: trap.at });
    expect(liveEvent('acme', { type: 'snmp.device.status', tenant: 'acme', data: status }, 'd-1')).toMatchObject({ type: 'snmp.device.status', device: 'd-1' });
    expect(liveEvent('acme', { type: 'snmp.trap', tenant: 'acme', data: trap }, 'd-2')).toBeNull();
    expect(liveEvent('acme', { type: 'snmp.trap', tenant: 'globex', data: trap })).toBeNull();
    expect(liveEvent('acme', { type: 'audit', tenant: 'acme', data: trap })).toBeNull();
    expect(liveEvent('acme', { type: 'snmp.trap', tenant: 'acme', data: { at: 'x' } })).toBeNull();
  });
});

describe('mergeEvents', () => {
  it('keeps one copy of each event, newest first, the stored copy over the live one', () => {
    // The server pushes the stored event's data without the event's id (and in any key order).
    const { id: _id, ...pushedTrap } = trap;
    const live = liveEvent('acme', { type: 'snmp.device.status', tenant: 'acme', data: status })!;
    const liveTrap = liveEvent('acme', { type: 'snmp.trap', tenant: 'acme', data: pushedTrap })!;
    const stored: SnmpEvent = { id: 'ev-8', type: 'snmp.device.status', device: 'd-1', at: status.at, data: { ...status } };
    const storedTrap: SnmpEvent = { id: 'ev-7', type: 'snmp.trap', device: 'd-1', at: trap.at, data: Object.fromEntries(Object.entries(pushedTrap).reverse()) };
    const merged = mergeEvents([live, liveTrap], [stored, storedTrap]);
    expect(merged.map((e) => e.id)).toEqual(['ev-8', 'ev-7']);
    expect(mergeEvents(merged, [live, liveTrap]).map((e) => e.id)).toEqual(['ev-8', 'ev-7']);
    // Another trap of the same kind at the same time, for another interface, is another event.
    const other = liveEvent('acme', { type: 'snmp.trap', tenant: 'acme', data: { ...pushedTrap, varbinds: [{ ...trap.varbinds[0]!, value: '4' }] } })!;
    expect(mergeEvents(merged, [other])).toHaveLength(3);
    const empty: SnmpEvent[] = [];
    expect(mergeEvents(empty, [])).toBe(empty);
  });
});

describe('describeEvent', () => {
  it('shows a trap by its name with version, source and varbinds', () => {
    const v = describeEvent({ id: 'ev-7', type: 'snmp.trap', device: 'd-1', at: trap.at, data: trap });
    expect(v).toMatchObject({ kind: 'trap', title: 'IF-MIB::linkDown', detail: 'SNMPv2c · from 10.0.0.5:49152 · 1.3.6.1.6.3.1.1.5.3' });
    expect(describeEvent({ id: 'e', type: 'snmp.trap', device: 'd-1', at: trap.at, data: { ...trap, version: '3', user: 'trapper' } }).detail).toMatch(
      /^SNMPv3 · user trapper · from/,
    );
    expect(v.varbinds).toHaveLength(1);
    const untranslated = describeEvent({ id: 'e', type: 'snmp.trap', device: null, at: trap.at, data: { ...trap, trap_name: '', inform: true } });
    expect(untranslated).toMatchObject({ kind: 'inform', title: '1.3.6.1.6.3.1.1.5.3' });
  });
  it('shows a status change with its reason', () => {
    expect(describeEvent({ id: 'e', type: 'snmp.device.status', device: 'd-1', at: status.at, data: status })).toMatchObject({
      kind: 'status',
      title: 'down (was up)',
      detail: 'Reason: no answer (timeout)',
      status: 'down',
    });
  });
});
