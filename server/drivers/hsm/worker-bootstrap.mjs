// Entry of the PKCS#11 worker (thread or helper process) while the code runs as TypeScript (tsx,
// Vitest). Node 20 does not apply `--import tsx` from a Worker's execArgv (the .ts entry fails
// with ERR_UNKNOWN_FILE_EXTENSION), so the worker registers tsx's loader itself, then imports the
// real entry named in workerData (thread) or in its first argument (process).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData?.entry ?? process.argv[2]);
