import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../shared/errors.ts';
import {
  DRIVER_ERROR_CODES,
  DriverError,
  type DriverErrorCode,
} from '../../../server/drivers/core/driver-error.ts';
import { senseError } from '../../../server/drivers/scsi/sense-errors.ts';
import { AppError } from '../../../server/domain/errors.ts';
import { tapeErrorCode, toTapeError } from '../../../server/services/tape/tape-errors.ts';

const SCSI_CODES = (Object.keys(DRIVER_ERROR_CODES) as DriverErrorCode[]).filter((c) =>
  /^(SCSI|TAPE|LIBRARY)_/.test(c),
);

describe('tape driver errors at the service edge', () => {
  it.each(SCSI_CODES)('%s maps to a shipped API error code', (code) => {
    expect(ERROR_CODES).toContain(tapeErrorCode(code));
  });

  it('keeps the decoded sense as an error detail in storage-engineer notation', () => {
    const err = toTapeError(
      'mount A00001L9',
      senseError(
        {
          format: 'fixed',
          deferred: false,
          senseKey: 5,
          asc: 0x3b,
          ascq: 0x0d,
          filemark: false,
          eom: false,
          ili: false,
          vendor: new Uint8Array(0),
          truncated: false,
        },
        0xa5,
      ),
    );
    expect(err).toBeInstanceOf(AppError);
    const app = err as AppError;
    expect(app.code).toBe('LIBRARY_DESTINATION_FULL');
    expect(app.message).toMatch(/^mount A00001L9: MOVE MEDIUM: /);
    expect(app.details).toEqual([{ path: 'sense', message: expect.stringMatching(/^5\/3B\/0D /) }]);
  });

  it('gives no sense detail when the device never answered', () => {
    const app = toTapeError('read', new DriverError('SCSI_TRANSPORT_FAILED')) as AppError;
    expect(app).toMatchObject({ code: 'TAPE_UNREACHABLE', details: undefined });
  });

  it('passes other errors through untouched', () => {
    const e = new Error('x');
    expect(toTapeError('read', e)).toBe(e);
  });
});
