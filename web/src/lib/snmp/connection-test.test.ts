import { describe, expect, it } from 'vitest';
import { explainTestError, KNOWN_TEST_ERRORS, testValues, waitText } from './connection-test';

describe('explainTestError', () => {
  it('explains every error code of the contract', () => {
    const contract = [
      'timeout',
      'unknown_user_name',
      'wrong_digest',
      'decryption_error',
      'not_in_time_window',
      'unknown_engine_id',
      'unsupported_security_level',
      'unknown_context',
      'authorization_error',
      'no_such_object',
      'error_status',
      'invalid_target',
      'send_failed',
    ];
    expect([...KNOWN_TEST_ERRORS].sort()).toEqual([...contract].sort());
    for (const code of contract) {
      const e = explainTestError(code);
      expect(e.title).not.toBe('Test failed');
      expect(e.hint.length).toBeGreaterThan(20);
    }
  });

  it('says what to check for the common failures', () => {
    expect(explainTestError('timeout').hint).toMatch(/no answer: check the address, port, firewall, and the community \(v1\/v2c\) or user \(v3\)/i);
    expect(explainTestError('wrong_digest').hint).toMatch(/wrong auth password or protocol/i);
    expect(explainTestError('decryption_error').hint).toMatch(/wrong privacy password or protocol/i);
    expect(explainTestError('unknown_user_name').hint).toMatch(/no SNMPv3 user of this name/);
    expect(explainTestError('no_such_object').hint).toMatch(/sysDescr/);
  });

  it('falls back for codes it does not know', () => {
    expect(explainTestError('brand_new_code')).toEqual({ title: 'Test failed', hint: expect.stringMatching(/does not know/) });
    // Inherited object keys are not codes.
    expect(explainTestError('toString').title).toBe('Test failed');
  });
});

describe('testValues', () => {
  it('lists the system group first and reads sysUpTime as a duration', () => {
    const rows = testValues({
      ok: true,
      rtt_ms: 3.1,
      values: { sysUpTime: 9_360_000, zzz: 1, sysDescr: 'Linux epc 6.1', sysName: 'epc-north-1', sysObjectID: '1.3.6.1.4.1.8072.3.2.10' },
    });
    expect(rows.map(([k]) => k)).toEqual(['sysName', 'sysDescr', 'sysObjectID', 'sysUpTime', 'zzz']);
    expect(rows[3]![1]).toBe('1 d 2 h (9360000 ticks)');
    expect(testValues({ ok: false, error: { code: 'timeout', message: '' } })).toEqual([]);
  });
});

describe('waitText', () => {
  it('says how long a silent device can take', () => {
    expect(waitText(4500)).toBe('up to 4.5 s');
    expect(waitText(600)).toBe('up to 600 ms');
    expect(waitText(null)).toBe('');
  });
});
