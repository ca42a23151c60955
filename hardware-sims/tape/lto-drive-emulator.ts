import { decodeInquiryCdb, decodeModeSenseCdb } from '../../server/drivers/scsi/cdb.ts';
import {
  encodeDeviceIdentificationVpd,
  encodeInquiry,
  encodeUnitSerialVpd,
  PERIPHERAL_TYPE,
} from '../../server/drivers/scsi/inquiry.ts';
import { encodeModeParameters, type ModePage } from '../../server/drivers/scsi/mode-data.ts';
import { OPCODE } from '../../server/drivers/scsi/opcodes.ts';
import { decodeLoadUnloadCdb } from '../../server/drivers/tape/tape-cdb.ts';
import { EmulatedDevice, SENSE } from '../scsi/emulated-device.ts';
import type { TargetRequest, TargetResponse } from '../scsi/scsi-target.ts';
import { cartridgeInfo, type CartridgeState } from './cartridge.ts';
import { DRIVE_MODELS, type DriveModel, type DriveModelKey } from './data/drive-models.ts';
import { handleSpin } from './drive-pages.ts';
import type { DriveContext, DriveState, EncryptionMethod, LoadedMedium } from './drive-types.ts';
import { EncryptionState } from './encryption-state.ts';
import {
  handleRead,
  handleRewind,
  handleSpace,
  handleWrite,
  handleWriteFilemarks,
  mediumCheck,
} from './media-handler.ts';
import { handleSpout } from './spout-handler.ts';

export interface LtoDriveOptions {
  model: DriveModelKey;
  serial: string;
  method?: EncryptionMethod;
  /** Milliseconds clock (tests may freeze or advance it). */
  now?: () => number;
}

/** IBM vendor mode page 0x25 byte 27 "encryption method" values (reference §5.5). */
const IBM_METHOD_CODE: Record<EncryptionMethod, number> = { AME: 0x50, LME: 0x60, none: 0x00 };

/**
 * An LTO tape drive at the SCSI level: INQUIRY/VPD, TEST UNIT READY, MODE SENSE, LOAD UNLOAD,
 * media commands, and the SPIN/SPOUT encryption pages with per-nexus scopes, LOCK, CKOD and
 * the key instance counter. State is per instance and serialisable (`toState`); keys are not.
 * The library emulator moves cartridges in and out with `insertCartridge` / `removeCartridge`.
 */
export class LtoDriveEmulator extends EmulatedDevice implements DriveContext {
  readonly modelKey: DriveModelKey;
  readonly model: DriveModel;
  readonly serial: string;
  method: EncryptionMethod;
  readonly enc = new EncryptionState();
  medium: LoadedMedium | null = null;
  readonly now: () => number;

  constructor(opts: LtoDriveOptions) {
    super();
    this.modelKey = opts.model;
    this.model = DRIVE_MODELS[opts.model];
    this.serial = opts.serial;
    this.method = opts.method ?? (this.model.generation >= 4 ? 'AME' : 'none');
    this.now = opts.now ?? Date.now;
  }

  static fromState(state: DriveState, opts: { now?: () => number } = {}): LtoDriveEmulator {
    const d = new LtoDriveEmulator({
      model: state.model,
      serial: state.serial,
      method: state.method,
      ...opts,
    });
    d.enc.keyInstanceCounter = state.keyInstanceCounter;
    if (state.medium) d.medium = { ...state.medium, readyAt: 0 };
    return d;
  }

  toState(): DriveState {
    const m = this.medium;
    return {
      version: 1,
      model: this.modelKey,
      serial: this.serial,
      method: this.method,
      keyInstanceCounter: this.enc.keyInstanceCounter,
      medium: m ? { cartridge: m.cartridge, threaded: m.threaded, position: m.position } : null,
    };
  }

  /** The library put a cartridge in: it threads, is not ready for `loadTimeMs`, then 6/28/00. */
  insertCartridge(cartridge: CartridgeState): void {
    if (this.medium) throw new Error(`drive ${this.serial} already holds ${this.medium.cartridge.barcode}`);
    this.medium = { cartridge, threaded: true, readyAt: this.now() + this.model.loadTimeMs, position: 0 };
    this.queueUnitAttention('all', SENSE.mediumMayHaveChanged);
  }

  get cartridge(): CartridgeState | null {
    return this.medium?.cartridge ?? null;
  }

  get isThreaded(): boolean {
    return this.medium?.threaded === true;
  }

  /** Unthreads (LOAD UNLOAD with LOAD=0, or a library's auto-unload). CKOD keys are cleared. */
  unload(): void {
    if (!this.medium) return;
    this.medium.threaded = false;
    this.medium.position = 0;
    if (this.enc.clearOnDemount() && this.model.quirks.uaOnCkodClear) {
      this.queueUnitAttention('all', { senseKey: 6, asc: 0x2a, ascq: 0x12 });
    }
  }

  /** The picker takes the (unloaded) cartridge out. */
  removeCartridge(): CartridgeState {
    const m = this.medium;
    if (!m) throw new Error(`drive ${this.serial} is empty`);
    if (m.threaded) this.unload();
    this.medium = null;
    return m.cartridge;
  }

  /** Power cycle: keys forgotten, every nexus sees 6/29/00. */
  powerCycle(): void {
    this.enc.reset();
    this.queueUnitAttention('all', SENSE.powerOn);
  }

  protected override onNexusClosed(nexus: number): void {
    this.enc.nexusLost(nexus);
  }

  protected handle(nexus: number, req: TargetRequest): TargetResponse {
    switch (req.cdb[0]) {
      case OPCODE.TEST_UNIT_READY: {
        const c = mediumCheck(this);
        return 'fail' in c ? c.fail : this.good();
      }
      case OPCODE.INQUIRY:
        return this.#inquiry(req);
      case OPCODE.MODE_SENSE_6:
      case OPCODE.MODE_SENSE_10:
        return this.#modeSense(req);
      case OPCODE.LOAD_UNLOAD:
        return this.#loadUnload(req);
      case OPCODE.SECURITY_PROTOCOL_IN:
        return handleSpin(this, nexus, req);
      case OPCODE.SECURITY_PROTOCOL_OUT:
        return handleSpout(this, nexus, req);
      case OPCODE.WRITE_6:
        return handleWrite(this, nexus, req);
      case OPCODE.READ_6:
        return handleRead(this, nexus, req);
      case OPCODE.WRITE_FILEMARKS_6:
        return handleWriteFilemarks(this, nexus, req);
      case OPCODE.REWIND:
        return handleRewind(this);
      case OPCODE.SPACE_6:
        return handleSpace(this, req);
      default:
        return this.checkCondition(SENSE.invalidOpcode);
    }
  }

  #inquiry(req: TargetRequest): TargetResponse {
    const cdb = decodeInquiryCdb(req.cdb);
    const type = PERIPHERAL_TYPE.SEQUENTIAL_ACCESS;
    if (!cdb.evpd) {
      // IBM drives also carry the serial at bytes 38-47 (mhvtl does the same).
      const vendorSpecific = new Uint8Array(20);
      if (this.model.vendor === 'IBM')
        vendorSpecific.set(Buffer.from(this.serial.padEnd(10).slice(0, 10)), 2);
      return this.good(
        encodeInquiry({
          qualifier: 0,
          deviceType: type,
          removable: true,
          version: 0x06,
          hiSup: true,
          responseDataFormat: 2,
          mediumChanger: false,
          cmdQue: true,
          vendor: this.model.vendor,
          product: this.model.product,
          revision: this.model.revision,
          vendorSpecific,
        }),
      );
    }
    if (cdb.page === 0x00) return this.good(Uint8Array.from([type, 0x00, 0x00, 0x03, 0x00, 0x80, 0x83]));
    if (cdb.page === 0x80) return this.good(encodeUnitSerialVpd(type, this.serial));
    if (cdb.page === 0x83) {
      const t10 = `${this.model.vendor.padEnd(8)}${this.model.product.padEnd(16)}${this.serial}`;
      const designator = { protocolIdentifier: 0, codeSet: 2, piv: false, association: 0, designatorType: 1 };
      return this.good(
        encodeDeviceIdentificationVpd(type, [{ ...designator, designator: Buffer.from(t10) }]),
      );
    }
    return this.checkCondition(SENSE.invalidFieldInCdb(2));
  }

  #modeSense(req: TargetRequest): TargetResponse {
    const cdb = decodeModeSenseCdb(req.cdb);
    const pages: ModePage[] = [];
    const wantAll = cdb.page === 0x3f;
    // Control page 0x0A: D_SENSE (byte 2 bit 2) says which sense format the device uses.
    const control = new Uint8Array(10);
    control[0] = this.descriptorSense ? 0x04 : 0x00;
    if (wantAll || cdb.page === 0x0a) pages.push({ page: 0x0a, parametersSaveable: false, data: control });
    if (this.model.vendor === 'IBM' && (wantAll || cdb.page === 0x25)) {
      const vendor = new Uint8Array(0x1e);
      vendor[9] = IBM_METHOD_CODE[this.method]; // MODE SENSE(10) byte 27 = page byte 11
      pages.push({ page: 0x25, parametersSaveable: false, data: vendor });
    }
    if (pages.length === 0) return this.checkCondition(SENSE.invalidFieldInCdb(2));
    const m = this.medium?.threaded ? this.medium : null;
    const gen = m ? cartridgeInfo(m.cartridge).generation : undefined;
    const worm = m ? cartridgeInfo(m.cartridge).kind === 'worm' : false;
    const mediumType = gen
      ? (gen.generation === 10 ? 0xa8 : 0x08 + gen.generation * 0x10) + (worm ? 4 : 0)
      : 0;
    const blockDescriptors =
      cdb.disableBlockDescriptors || !m
        ? []
        : [{ densityCode: gen?.densityCode ?? 0, numberOfBlocks: 0, blockLength: 0 }];
    const deviceSpecific = (m?.cartridge.writeProtected ? 0x80 : 0) | 0x10; // WP | buffered mode 1
    return this.good(encodeModeParameters({ mediumType, deviceSpecific, blockDescriptors, pages }, cdb.form));
  }

  #loadUnload(req: TargetRequest): TargetResponse {
    const cdb = decodeLoadUnloadCdb(req.cdb);
    if (!this.medium) return this.checkCondition(SENSE.noMedium);
    if (!cdb.load) {
      this.unload();
      return this.good();
    }
    if (!this.medium.threaded) {
      this.medium.threaded = true;
      this.medium.readyAt = this.now() + this.model.loadTimeMs;
    }
    this.medium.position = 0;
    return this.good();
  }
}
