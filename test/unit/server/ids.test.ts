import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../server/platform/ids.ts';

describe('uuidv7', () => {
  it('is a version-7, variant-1 UUID carrying the time', () => {
    const id = uuidv7(0x0123456789ab);
    expect(id).toMatch(/^01234567-89ab-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('sorts by creation time', () => {
    const ids = [uuidv7(1000), uuidv7(2000), uuidv7(3000)];
    expect([...ids].sort()).toEqual(ids);
  });
});
