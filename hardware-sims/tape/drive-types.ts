import type { SenseInput } from '../../server/drivers/scsi/sense-encode.ts';
import type { TargetResponse } from '../scsi/scsi-target.ts';
import type { CartridgeState } from './cartridge.ts';
import type { DriveModel, DriveModelKey } from './data/drive-models.ts';
import type { EncryptionState } from './encryption-state.ts';

/** AME: the application sets keys (SPOUT); LME: the library does; none: encryption is off. */
export type EncryptionMethod = 'AME' | 'LME' | 'none';

export interface LoadedMedium {
  cartridge: CartridgeState;
  /** Threaded and usable (after `readyAt`); false once unloaded and waiting for the picker. */
  threaded: boolean;
  readyAt: number;
  /** Index of the next record (= LOGICAL OBJECT NUMBER). */
  position: number;
}

/** What persists of a drive (JSON). Keys do not: a restored drive has been power-cycled. */
export interface DriveState {
  version: 1;
  model: DriveModelKey;
  serial: string;
  method: EncryptionMethod;
  keyInstanceCounter: number;
  medium: { cartridge: CartridgeState; threaded: boolean; position: number } | null;
}

/** The drive as the command handlers see it. */
export interface DriveContext {
  readonly model: DriveModel;
  readonly serial: string;
  readonly method: EncryptionMethod;
  readonly enc: EncryptionState;
  medium: LoadedMedium | null;
  readonly nexuses: number[];
  now(): number;
  checkCondition(sense: SenseInput): TargetResponse;
  good(dataIn?: Uint8Array): TargetResponse;
  queueUnitAttention(target: number | 'all', sense: SenseInput, except?: number): void;
}
