// Entry of the SG_IO worker while the code runs as TypeScript (tsx, Vitest); the same as
// hsm/worker-bootstrap.mjs, copied so the scsi and hsm drivers do not depend on each other.
// Node 20 does not apply `--import tsx` from a Worker's execArgv (the .ts entry fails with
// ERR_UNKNOWN_FILE_EXTENSION), so the worker registers tsx's loader itself, then imports the
// real entry named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
