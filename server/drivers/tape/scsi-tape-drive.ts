import { DriverError, isDriverError } from '../core/driver-error.ts';
import { CallQueue } from '../scsi/call-queue.ts';
import {
  inquiryCdb,
  modeSenseCdb,
  SECURITY_PROTOCOL,
  securityProtocolInCdb,
  testUnitReadyCdb,
} from '../scsi/cdb.ts';
import { decodeInquiry, decodeUnitSerialVpd, PERIPHERAL_TYPE } from '../scsi/inquiry.ts';
import { decodeModeParameters } from '../scsi/mode-data.ts';
import {
  ScsiCommander,
  DEFAULT_RETRY_POLICY,
  type CallOptions,
  type RetryPolicy,
} from '../scsi/scsi-commander.ts';
import type { SenseData } from '../scsi/sense.ts';
import type { ScsiTransport } from '../scsi/scsi-transport.ts';
import { decodeCapabilities } from './capabilities-page.ts';
import { INFO_PAGE, TAPE_PAGE } from './encryption-constants.ts';
import { decodeDataEncryptionStatus, decodeNextBlockEncryptionStatus } from './status-pages.ts';
import { decodeManagementCapabilities, decodePageList, decodeSupportedProtocols } from './support-pages.ts';
import { assertKeyable, clearPage, keyPage, verifyKeySet } from './tape-key-page.ts';
import { TapeMedia } from './tape-media.ts';
import { toCapabilities, toEncryptionStatus, toNextBlockStatus } from './tape-status-mapping.ts';
import type {
  ClearTapeKeyOptions,
  NextBlockStatus,
  ReadBlockResult,
  SetTapeKeyRequest,
  TapeDriveCapabilities,
  TapeDriveDriver,
  TapeDriveIdentity,
  TapeEncryptionStatus,
  TapeMediumState,
} from './tape-drive-driver.ts';

export interface ScsiTapeDriveOptions {
  transport: ScsiTransport;
  retry?: Partial<RetryPolicy>;
}

/** SPIN allocation: large enough for every LTO page, and ≤ 8192 (reference §1.2, stenc #55). */
const SPIN_ALLOCATION = 8192;

/** `TapeDriveDriver` over any `ScsiTransport` (see the interface for the contract). */
export class ScsiTapeDrive implements TapeDriveDriver {
  readonly #cmd: ScsiCommander;
  readonly #media: TapeMedia;
  readonly #queue = new CallQueue();
  #identity: TapeDriveIdentity | undefined;
  #caps: TapeDriveCapabilities | undefined;

  constructor(opts: ScsiTapeDriveOptions) {
    this.#cmd = new ScsiCommander(opts.transport, { ...DEFAULT_RETRY_POLICY, ...opts.retry });
    this.#media = new TapeMedia(this.#cmd);
  }

  get identity(): TapeDriveIdentity {
    if (!this.#identity || this.#queue.closed) throw new DriverError('SCSI_CLOSED');
    return this.#identity;
  }

  get capabilities(): TapeDriveCapabilities {
    if (!this.#caps || this.#queue.closed) throw new DriverError('SCSI_CLOSED');
    return this.#caps;
  }

  open(opts: CallOptions = {}): Promise<void> {
    return this.#queue.run(async () => {
      if (this.#identity) return;
      const identity = await this.#identify(opts);
      const caps = await this.#readCapabilities(opts);
      this.#identity = identity;
      this.#caps = caps;
    });
  }

  async close(): Promise<void> {
    this.#queue.close();
    await this.#cmd.transport.close();
  }

  identify(opts: CallOptions = {}): Promise<TapeDriveIdentity> {
    return this.#open(() => this.#identify(opts));
  }

  getCapabilities(opts: CallOptions = {}): Promise<TapeDriveCapabilities> {
    return this.#open(async () => (this.#caps = await this.#readCapabilities(opts)));
  }

  getMediumState(opts: CallOptions = {}): Promise<TapeMediumState> {
    return this.#open(() => this.#mediumState(opts));
  }

  setEncryptionKey(req: SetTapeKeyRequest, opts: CallOptions = {}): Promise<TapeEncryptionStatus> {
    return this.#open(async () => {
      if (req.expectedSerial !== undefined) {
        const { serial } = await this.#identify(opts);
        if (serial !== req.expectedSerial) {
          throw new DriverError(
            'SCSI_IDENTITY_MISMATCH',
            `the drive's serial is ${serial}, not ${req.expectedSerial}`,
            {
              detail: { expected: req.expectedSerial, actual: serial },
            },
          );
        }
      }
      assertKeyable((this.#caps = await this.#readCapabilities(opts)));
      const loaded = await this.#waitReady(opts);
      if ((req.clearOnDemount ?? true) && !loaded) {
        throw new DriverError('SCSI_NO_MEDIUM', 'clear-on-demount needs a cartridge in the drive');
      }
      // AVFMV depends on the cartridge, so read the page again now that it is threaded.
      const caps = loaded ? (this.#caps = await this.#readCapabilities(opts)) : this.#caps;
      if (loaded && !caps.validForMountedVolume) {
        throw new DriverError(
          'TAPE_ENCRYPTION_UNSUPPORTED',
          'the loaded cartridge cannot be encrypted (LTO-4 or later media only)',
        );
      }
      const before = toEncryptionStatus(
        decodeDataEncryptionStatus(await this.#spin(TAPE_PAGE.DATA_ENCRYPTION_STATUS, opts)),
      );
      const page = keyPage(caps, req);
      try {
        await this.#spout(page, opts);
      } finally {
        page.fill(0);
      }
      const after = toEncryptionStatus(
        decodeDataEncryptionStatus(await this.#spin(TAPE_PAGE.DATA_ENCRYPTION_STATUS, opts)),
      );
      verifyKeySet(req, before, after);
      return after;
    });
  }

  clearEncryptionKey(opts: ClearTapeKeyOptions = {}): Promise<TapeEncryptionStatus> {
    return this.#open(async () => {
      await this.#spout(clearPage(this.#caps!, opts.scope ?? 'all-nexus'), opts);
      return toEncryptionStatus(
        decodeDataEncryptionStatus(await this.#spin(TAPE_PAGE.DATA_ENCRYPTION_STATUS, opts)),
      );
    });
  }

  getEncryptionStatus(opts: CallOptions = {}): Promise<TapeEncryptionStatus> {
    return this.#open(async () => {
      if (!this.#caps!.encryption) throw new DriverError('TAPE_ENCRYPTION_UNSUPPORTED');
      return toEncryptionStatus(
        decodeDataEncryptionStatus(await this.#spin(TAPE_PAGE.DATA_ENCRYPTION_STATUS, opts)),
      );
    });
  }

  getNextBlockStatus(opts: CallOptions = {}): Promise<NextBlockStatus> {
    return this.#open(async () => {
      if (!this.#caps!.encryption) throw new DriverError('TAPE_ENCRYPTION_UNSUPPORTED');
      // TEST UNIT READY first, as stenc 2.0 does: no medium is an answer, not an error.
      const medium = await this.#mediumState(opts);
      if (!medium.loaded) return { state: 'no-medium', logicalObjectNumber: 0 };
      const blank = (s: SenseData) => s.senseKey === 8 && s.asc === 0x14 && s.ascq === 0x03;
      const { result, sense } = await this.#cmd.run(
        spinCommand(TAPE_PAGE.NEXT_BLOCK_ENCRYPTION_STATUS),
        opts,
        {
          acceptSense: blank,
        },
      );
      if (sense) return { state: 'blank', logicalObjectNumber: 0 };
      return toNextBlockStatus(decodeNextBlockEncryptionStatus(result.dataIn));
    });
  }

  load(opts: CallOptions = {}): Promise<void> {
    return this.#open(() => this.#media.loadUnload(true, opts));
  }

  unload(opts: CallOptions = {}): Promise<void> {
    return this.#open(() => this.#media.loadUnload(false, opts));
  }

  rewind(opts: CallOptions = {}): Promise<void> {
    return this.#open(() => this.#media.rewind(opts));
  }

  writeBlock(data: Uint8Array, opts: CallOptions = {}): Promise<void> {
    return this.#open(() => this.#media.writeBlock(data, opts));
  }

  writeFilemarks(count: number, opts: CallOptions = {}): Promise<void> {
    return this.#open(() => this.#media.writeFilemarks(count, opts));
  }

  readBlock(maxLength: number, opts: CallOptions = {}): Promise<ReadBlockResult> {
    return this.#open(() => this.#media.readBlock(maxLength, opts));
  }

  #open<T>(fn: () => Promise<T>): Promise<T> {
    return this.#queue.run(() => {
      if (!this.#identity) throw new DriverError('SCSI_CLOSED', 'the tape driver is not open');
      return fn();
    });
  }

  async #identify(opts: CallOptions): Promise<TapeDriveIdentity> {
    const std = decodeInquiry(
      await this.#dataIn(inquiryCdb({ evpd: false, page: 0, allocationLength: 96 }), 96, opts),
    );
    if (std.deviceType !== PERIPHERAL_TYPE.SEQUENTIAL_ACCESS) {
      throw new DriverError(
        'SCSI_WRONG_DEVICE_TYPE',
        `device type 0x${std.deviceType.toString(16)} is not a tape drive`,
        {
          detail: { deviceType: std.deviceType },
        },
      );
    }
    const vpd = decodeUnitSerialVpd(
      await this.#dataIn(inquiryCdb({ evpd: true, page: 0x80, allocationLength: 255 }), 255, opts),
    );
    return { vendor: std.vendor, product: std.product, revision: std.revision, serial: vpd.serial };
  }

  async #readCapabilities(opts: CallOptions): Promise<TapeDriveCapabilities> {
    const protocols = await this.#cmd
      .run(spinCommand(INFO_PAGE.SUPPORTED_PROTOCOLS, SECURITY_PROTOCOL.INFORMATION), opts)
      .then(({ result }) => decodeSupportedProtocols(result.dataIn))
      .catch((e: unknown) => {
        if (isDriverError(e, 'SCSI_ILLEGAL_REQUEST')) return [] as number[]; // no SECURITY PROTOCOL IN at all
        throw e;
      });
    if (!protocols.includes(SECURITY_PROTOCOL.TAPE_DATA_ENCRYPTION)) return toCapabilities(null, null);
    const pages = decodePageList(await this.#spin(TAPE_PAGE.IN_SUPPORT, opts), TAPE_PAGE.IN_SUPPORT);
    const caps = decodeCapabilities(await this.#spin(TAPE_PAGE.CAPABILITIES, opts));
    const mgmt = pages.includes(TAPE_PAGE.MANAGEMENT_CAPABILITIES)
      ? decodeManagementCapabilities(await this.#spin(TAPE_PAGE.MANAGEMENT_CAPABILITIES, opts))
      : null;
    return toCapabilities(caps, mgmt);
  }

  /** TEST UNIT READY, waiting out a load in progress; false when no cartridge is in. */
  async #waitReady(opts: CallOptions): Promise<boolean> {
    const noMedium = (s: SenseData) => s.senseKey === 2 && s.asc === 0x3a;
    const { sense } = await this.#cmd.run({ cdb: testUnitReadyCdb(), direction: 'none' }, opts, {
      acceptSense: noMedium,
    });
    return sense === undefined;
  }

  async #mediumState(opts: CallOptions): Promise<TapeMediumState> {
    const notReady = (s: SenseData) => s.senseKey === 2 || (s.senseKey === 5 && s.asc === 0x30);
    const { sense } = await this.#cmd.run({ cdb: testUnitReadyCdb(), direction: 'none' }, opts, {
      acceptSense: notReady,
      waitNotReady: false,
    });
    if (sense) {
      const condition: TapeMediumState['condition'] =
        sense.asc === 0x3a
          ? 'no-medium'
          : sense.asc === 0x04 && sense.ascq === 0x01
            ? 'becoming-ready'
            : sense.asc === 0x30 && sense.ascq === 0x03
              ? 'cleaning'
              : sense.asc === 0x30
                ? 'incompatible'
                : 'not-ready';
      return { loaded: condition !== 'no-medium', ready: false, condition };
    }
    const mode = decodeModeParameters(
      await this.#dataIn(
        modeSenseCdb({
          form: 6,
          disableBlockDescriptors: false,
          pageControl: 0,
          page: 0x0a,
          subpage: 0,
          allocationLength: 255,
        }),
        255,
        opts,
      ),
      6,
    );
    const density = mode.blockDescriptors[0]?.densityCode;
    return {
      loaded: true,
      ready: true,
      condition: 'ready',
      writeProtected: mode.writeProtected,
      ...(density === undefined ? {} : { densityCode: density }),
    };
  }

  /** SPIN protocol 0x20 at 8 KiB; a page longer than that is read again at its full size. */
  async #spin(page: number, opts: CallOptions): Promise<Uint8Array> {
    const { result } = await this.#cmd.run(spinCommand(page), opts);
    const length = result.dataIn.length >= 4 ? 4 + ((result.dataIn[2]! << 8) | result.dataIn[3]!) : 0;
    if (length <= result.dataIn.length) return result.dataIn;
    return (await this.#cmd.run(spinCommand(page, SECURITY_PROTOCOL.TAPE_DATA_ENCRYPTION, length), opts))
      .result.dataIn;
  }

  async #spout(page: Uint8Array, opts: CallOptions): Promise<void> {
    await this.#media.spout(page, opts);
  }

  async #dataIn(cdb: Uint8Array, allocationLength: number, opts: CallOptions): Promise<Uint8Array> {
    return (await this.#cmd.run({ cdb, direction: 'in', allocationLength }, opts)).result.dataIn;
  }
}

function spinCommand(
  page: number,
  protocol: number = SECURITY_PROTOCOL.TAPE_DATA_ENCRYPTION,
  length = SPIN_ALLOCATION,
) {
  return {
    cdb: securityProtocolInCdb({ protocol, protocolSpecific: page, length }),
    direction: 'in' as const,
    allocationLength: length,
  };
}
