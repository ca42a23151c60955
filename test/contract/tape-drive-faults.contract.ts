import { expect } from 'vitest';
import { busyNext, failNext } from '../../hardware-sims/scsi/behaviors.ts';
import type { DriverErrorCode } from '../../server/drivers/core/driver-error.ts';
import type { SenseInput } from '../../server/drivers/scsi/sense-encode.ts';
import { expectDriverError, KEY_A, keyReq, type TapeDriveContractContext } from './tape-drive.contract.ts';

/**
 * Faults (issue 5 "Done when"): every encryption sense of reference §4.3 as a CHECK CONDITION,
 * a not-ready drive and a vanished device each surface as a clear DriverError with the decoded
 * sense, and change nothing on the drive.
 */
const READ_6 = 0x08;
const SPOUT = 0xb5;

/** [sense key, ASC, ASCQ, the code the driver must give] on READ(6). */
const ON_READ: [number, number, number, DriverErrorCode][] = [
  [7, 0x74, 0x00, 'TAPE_SECURITY_ERROR'],
  [7, 0x74, 0x01, 'TAPE_DECRYPTION_DISABLED'],
  [3, 0x74, 0x01, 'TAPE_DECRYPTION_DISABLED'],
  [7, 0x74, 0x02, 'TAPE_UNENCRYPTED_DATA'],
  [7, 0x74, 0x03, 'TAPE_WRONG_KEY'],
  [7, 0x74, 0x04, 'TAPE_INTEGRITY_FAILED'],
  [3, 0x74, 0x04, 'TAPE_INTEGRITY_FAILED'],
  [7, 0x74, 0x05, 'TAPE_INTEGRITY_FAILED'],
  [7, 0x74, 0x06, 'TAPE_SECURITY_ERROR'],
  [7, 0x74, 0x07, 'TAPE_SECURITY_ERROR'],
  [7, 0x74, 0x09, 'TAPE_SECURITY_ERROR'],
  [7, 0x74, 0x0a, 'TAPE_RAW_READ_REFUSED'],
  [7, 0x74, 0x0b, 'TAPE_SECURITY_ERROR'],
  [7, 0x74, 0x0d, 'TAPE_SECURITY_ERROR'],
  [7, 0x74, 0x61, 'TAPE_SECURITY_ERROR'],
  [7, 0x74, 0x62, 'TAPE_SECURITY_ERROR'],
  [7, 0x74, 0x63, 'TAPE_SECURITY_ERROR'],
  [7, 0x74, 0x64, 'TAPE_SECURITY_ERROR'],
  [7, 0x74, 0x6e, 'TAPE_SECURITY_ERROR'],
  [7, 0x74, 0x6f, 'TAPE_SECURITY_ERROR'],
  [7, 0x26, 0x10, 'TAPE_SECURITY_ERROR'],
  [7, 0x2a, 0x13, 'TAPE_KEY_INSTANCE_CHANGED'],
  [7, 0xef, 0x10, 'TAPE_SECURITY_ERROR'],
  [7, 0xee, 0x0e, 'TAPE_SECURITY_ERROR'],
  [3, 0xee, 0xd0, 'TAPE_SECURITY_ERROR'],
  [6, 0x2a, 0x11, 'TAPE_ENCRYPTION_PARAMETERS_CHANGED'],
  [6, 0x2a, 0x12, 'TAPE_ENCRYPTION_PARAMETERS_CHANGED'],
  [7, 0x27, 0x00, 'TAPE_WRITE_PROTECTED'],
];

/** On SPOUT Set Data Encryption. */
const ON_SPOUT: [SenseInput, DriverErrorCode][] = [
  [
    { senseKey: 5, asc: 0x26, ascq: 0x00, fieldPointer: { inCdb: false, field: 8 } },
    'TAPE_ENCRYPTION_PARAMETER_REJECTED',
  ],
  [{ senseKey: 5, asc: 0x26, ascq: 0x01 }, 'TAPE_ENCRYPTION_PARAMETER_REJECTED'],
  [{ senseKey: 5, asc: 0x26, ascq: 0x02 }, 'TAPE_ENCRYPTION_PARAMETER_REJECTED'],
  [{ senseKey: 5, asc: 0x26, ascq: 0x11 }, 'TAPE_ENCRYPTION_PARAMETER_REJECTED'],
  [{ senseKey: 5, asc: 0x26, ascq: 0x12 }, 'TAPE_ENCRYPTION_PARAMETER_REJECTED'],
  [{ senseKey: 5, asc: 0x1a, ascq: 0x00 }, 'TAPE_ENCRYPTION_PARAMETER_REJECTED'],
  [{ senseKey: 5, asc: 0x55, ascq: 0x08 }, 'TAPE_ENCRYPTION_PARAMETER_REJECTED'],
  [{ senseKey: 5, asc: 0x24, ascq: 0x00, fieldPointer: { inCdb: true, field: 2 } }, 'SCSI_ILLEGAL_REQUEST'],
  [{ senseKey: 5, asc: 0x74, ascq: 0x21 }, 'TAPE_ENCRYPTION_NOT_CONTROLLABLE'],
  [{ senseKey: 7, asc: 0x74, ascq: 0x21 }, 'TAPE_ENCRYPTION_NOT_CONTROLLABLE'],
  [{ senseKey: 5, asc: 0x74, ascq: 0x08 }, 'TAPE_SECURITY_ERROR'],
  [{ senseKey: 5, asc: 0x74, ascq: 0x0c }, 'TAPE_SECURITY_ERROR'],
  [{ senseKey: 5, asc: 0x74, ascq: 0x71 }, 'TAPE_SECURITY_ERROR'],
  [{ senseKey: 5, asc: 0xee, ascq: 0x10 }, 'TAPE_SECURITY_ERROR'],
];

export function describeTapeDriveFaults(ctx: TapeDriveContractContext): void {
  ctx.hookTest(
    'each encryption sense on READ(6) becomes its DriverError with the decoded sense',
    ['mountScratch', 'fault'],
    async () => {
      const { hooks } = ctx.target();
      await hooks.mountScratch!();
      const d = await ctx.driver();
      await d.writeBlock(new Uint8Array(16));
      await d.rewind();
      for (const [senseKey, asc, ascq, code] of ON_READ) {
        hooks.fault!(failNext({ senseKey, asc, ascq }, { opcode: READ_6 }));
        const err = await expectDriverError(d.readBlock(64), code);
        expect(err.detail, code).toMatchObject({ senseKey, asc, ascq, command: 'READ(6)' });
        expect(err.message).toMatch(/^READ\(6\): /u);
      }
      expect((await d.readBlock(64)).kind).toBe('data'); // nothing moved: the block is still next
    },
  );

  ctx.hookTest(
    'each refusal of SPOUT is decoded and leaves the parameters as they were',
    ['mountScratch', 'fault'],
    async () => {
      const { hooks } = ctx.target();
      await hooks.mountScratch!();
      const d = await ctx.driver();
      const before = await d.getEncryptionStatus();
      for (const [sense, code] of ON_SPOUT) {
        hooks.fault!(failNext(sense, { opcode: SPOUT }));
        const err = await expectDriverError(d.setEncryptionKey(keyReq(KEY_A, 'k')), code);
        expect(err.detail).toMatchObject({
          asc: sense.asc,
          ascq: sense.ascq,
          command: 'SECURITY PROTOCOL OUT',
        });
        if (sense.fieldPointer) expect(err.detail['fieldPointer']).toEqual(sense.fieldPointer);
      }
      expect(await d.getEncryptionStatus()).toEqual(before);
    },
  );

  ctx.hookTest(
    'not ready: 2/04/01 is waited out; 2/04/03 and 2/3A/00 are clear errors',
    ['mountScratch', 'fault'],
    async () => {
      const { hooks } = ctx.target();
      await hooks.mountScratch!();
      const d = await ctx.driver();
      hooks.fault!(failNext({ senseKey: 2, asc: 0x04, ascq: 0x01 }, { opcode: 0x01, count: 3 }));
      await d.rewind();
      hooks.fault!(failNext({ senseKey: 2, asc: 0x04, ascq: 0x03 }, { opcode: 0x01 }));
      const manual = await expectDriverError(d.rewind(), 'SCSI_NOT_READY');
      expect(manual.retryable).toBe(false);
      expect(manual.message).toBe(
        'REWIND: NOT READY, Logical unit not ready, manual intervention required (2/04/03)',
      );
      hooks.fault!(failNext({ senseKey: 2, asc: 0x3a, ascq: 0x00 }, { opcode: READ_6 }));
      await expectDriverError(d.readBlock(64), 'SCSI_NO_MEDIUM');
      hooks.fault!(failNext({ senseKey: 2, asc: 0x04, ascq: 0x03 }, { opcode: 0x00 }));
      expect(await d.getMediumState()).toMatchObject({ loaded: true, ready: false, condition: 'not-ready' });
    },
  );

  ctx.hookTest(
    'unit attentions and BUSY are retried; a UA that never ends is an error',
    ['mountScratch', 'fault'],
    async () => {
      const { hooks } = ctx.target();
      await hooks.mountScratch!();
      const d = await ctx.driver();
      hooks.fault!(failNext({ senseKey: 6, asc: 0x28, ascq: 0x00 }, { count: 2 }));
      hooks.fault!(busyNext({ count: 2 }));
      await d.getEncryptionStatus();
      const remove = hooks.fault!(failNext({ senseKey: 6, asc: 0x29, ascq: 0x00 }, { count: 50 }));
      const err = await expectDriverError(d.getEncryptionStatus(), 'SCSI_UNIT_ATTENTION');
      expect(err.retryable).toBe(true);
      remove();
    },
  );

  ctx.hookTest('a vanished device: SCSI_TRANSPORT_FAILED, retryable', ['vanish'], async () => {
    const d = await ctx.driver();
    await ctx.target().hooks.vanish!();
    const err = await expectDriverError(d.getEncryptionStatus(), 'SCSI_TRANSPORT_FAILED');
    expect(err.retryable).toBe(true);
  });
}
