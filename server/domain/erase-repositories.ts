import type { EraseMethod, EraseSchedule } from '../../shared/schemas/erase.ts';

export type EraseRequestState =
  'pending-approval' | 'scheduled' | 'running' | 'completed' | 'failed' | 'cancelled' | 'denied';

export interface EraseRequestRecord {
  id: string;
  method: EraseMethod;
  range: number | null;
  reason: string;
  schedule: EraseSchedule;
  state: EraseRequestState;
  requestedBy: string;
  approvalId: string;
  approvedBy: string | null;
  runAt: string | null;
  jobId: string | null;
  itemCount: number;
  createdAt: string;
  updatedAt: string;
}

/** erasing: the device command may have run (write-ahead): a resume verifies before it repeats. */
export type EraseItemState = 'pending' | 'erasing' | 'erased' | 'failed' | 'skipped';

export interface EraseItemRecord {
  id: string;
  requestId: string;
  seq: number;
  /** `sed:<serial>` or `cartridge:<barcode>`. */
  itemRef: string;
  /** The serial or barcode the approval is bound to. */
  identity: string;
  description: string;
  state: EraseItemState;
  result: string | null;
  certificateId: string | null;
  updatedAt: string;
}

export interface EraseRepository {
  insertRequest(r: EraseRequestRecord, items: EraseItemRecord[]): Promise<void>;
  findRequest(id: string): Promise<EraseRequestRecord | undefined>;
  findByApproval(approvalId: string): Promise<EraseRequestRecord | undefined>;
  listRequests(opts: {
    limit: number;
    states?: EraseRequestState[] | undefined;
  }): Promise<EraseRequestRecord[]>;
  updateRequest(id: string, patch: Partial<Omit<EraseRequestRecord, 'id'>>): Promise<void>;
  items(requestId: string): Promise<EraseItemRecord[]>;
  updateItem(
    id: string,
    patch: Partial<Pick<EraseItemRecord, 'state' | 'result' | 'certificateId' | 'updatedAt'>>,
  ): Promise<void>;
  /** Moves an item from `from` to `to`; false when it was not in `from` (someone else got there first). */
  claimItem(id: string, from: EraseItemState, to: EraseItemState, updatedAt: string): Promise<boolean>;
}
