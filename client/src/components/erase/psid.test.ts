import { describe, expect, it } from 'vitest';
import { PsidRevertSchema } from '../../../../shared/schemas/erase.ts';
import { PSID_LENGTH, psidLength } from './psid.ts';

describe('a PSID as typed from a drive label', () => {
  it('counts letters and digits the way the console reads them', () => {
    const label = 'ABCD-EFGH-1234-5678-ijkl-mnop-QRST-UV90';
    expect(psidLength(label)).toBe(PSID_LENGTH);
    expect(PsidRevertSchema.safeParse({ psid: label }).success).toBe(true);
    expect(psidLength('abcd efgh')).toBe(8);
    expect(psidLength('')).toBe(0);
    expect(psidLength('ABCD_EFGH')).toBe(-1);
    expect(PsidRevertSchema.safeParse({ psid: 'ABCD_EFGH'.padEnd(32, 'A') }).success).toBe(false);
  });
});
