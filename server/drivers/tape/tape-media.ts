import { DriverError } from '../core/driver-error.ts';
import { SECURITY_PROTOCOL, securityProtocolOutCdb } from '../scsi/cdb.ts';
import type { CallOptions, ScsiCommander } from '../scsi/scsi-commander.ts';
import type { SenseData } from '../scsi/sense.ts';
import { TAPE_PAGE } from './encryption-constants.ts';
import { loadUnloadCdb, read6Cdb, rewindCdb, write6Cdb, writeFilemarksCdb } from './tape-cdb.ts';
import type { ReadBlockResult } from './tape-drive-driver.ts';

/** A 6/2A/11 or 6/2A/12 must reach the caller before data moves under unknown parameters. */
const encryptionChanged = (s: SenseData) => s.asc === 0x2a && (s.ascq === 0x11 || s.ascq === 0x12);
const dataCommand = { retryUnitAttention: (s: SenseData) => !encryptionChanged(s) };
const MAX_BLOCK = 0xffffff;

/** The medium commands of ScsiTapeDrive (reference §5.5-5.6). */
export class TapeMedia {
  constructor(private readonly cmd: ScsiCommander) {}

  async spout(page: Uint8Array, opts: CallOptions): Promise<void> {
    const cdb = securityProtocolOutCdb({
      protocol: SECURITY_PROTOCOL.TAPE_DATA_ENCRYPTION,
      protocolSpecific: TAPE_PAGE.SET_DATA_ENCRYPTION,
      length: page.length,
    });
    await this.cmd.run({ cdb, direction: 'out', dataOut: page }, opts);
  }

  async loadUnload(load: boolean, opts: CallOptions): Promise<void> {
    await this.cmd.run({ cdb: loadUnloadCdb({ load }), direction: 'none' }, opts);
  }

  async rewind(opts: CallOptions): Promise<void> {
    await this.cmd.run({ cdb: rewindCdb(), direction: 'none' }, opts);
  }

  async writeBlock(data: Uint8Array, opts: CallOptions): Promise<void> {
    if (data.length === 0 || data.length > MAX_BLOCK)
      throw invalid(`a block must hold 1..${MAX_BLOCK} bytes`);
    // Early warning (0/00/02 with EOM) means the block was written near the end of the tape.
    const earlyWarning = (s: SenseData) => s.senseKey === 0 && s.eom;
    await this.cmd.run({ cdb: write6Cdb({ length: data.length }), direction: 'out', dataOut: data }, opts, {
      ...dataCommand,
      acceptSense: earlyWarning,
    });
  }

  async writeFilemarks(count: number, opts: CallOptions): Promise<void> {
    if (!Number.isInteger(count) || count < 0 || count > MAX_BLOCK)
      throw invalid('filemark count out of range');
    await this.cmd.run({ cdb: writeFilemarksCdb(count), direction: 'none' }, opts, dataCommand);
  }

  async readBlock(maxLength: number, opts: CallOptions): Promise<ReadBlockResult> {
    if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > MAX_BLOCK)
      throw invalid('maxLength out of range');
    const answer = (s: SenseData) =>
      (s.senseKey === 0 && (s.filemark || s.ili)) || (s.senseKey === 8 && (s.asc === 0x00 || s.asc === 0x14));
    const { result, sense } = await this.cmd.run(
      { cdb: read6Cdb({ length: maxLength, sili: true }), direction: 'in', allocationLength: maxLength },
      opts,
      { ...dataCommand, acceptSense: answer },
    );
    if (sense?.filemark) return { kind: 'filemark' };
    if (sense?.senseKey === 8) return { kind: 'end-of-data' };
    const truncatedBy =
      sense?.ili && sense.information !== undefined && sense.information < 0 ? -sense.information : 0;
    return { kind: 'data', data: result.dataIn, ...(truncatedBy > 0 ? { truncatedBy } : {}) };
  }
}

function invalid(problem: string): DriverError {
  return new DriverError('SCSI_INVALID_ARGUMENT', problem, { detail: { problem } });
}
