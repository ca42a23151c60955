import { parentPort, workerData } from 'node:worker_threads';
import { packSgIoHeader, SG_DXFER, SG_HEADER_SIZE, SG_IO, unpackSgIoHeader } from './sg-io-header.ts';
import type { SgIoExec, SgIoReply, SgIoWorkerInit } from './sg-io-protocol.ts';

/**
 * The only thread that calls ioctl(SG_IO): it blocks for as long as the device takes (a tape
 * REWIND takes minutes), so the console's event loop does not. One command at a time.
 */
const port = parentPort!;
const init = workerData as SgIoWorkerInit;
const O_RDWR = 2;
const O_NONBLOCK = 0o4000;

type Libc = {
  open: (path: string, flags: number) => number;
  ioctl: (fd: number, req: number, arg: Buffer) => number;
  close: (fd: number) => number;
  errno: () => number;
  address: (b: Buffer) => bigint;
};

let libc: Libc | undefined;
let fd = -1;

async function load(): Promise<Libc> {
  const koffi = (await import('koffi')).default;
  // The global namespace (dlsym(RTLD_DEFAULT, …)), not koffi.load('libc.so.6'): a handle of
  // libc's own resolves its symbols inside libc and skips an LD_PRELOAD interposer such as
  // hardware-sims/sgshim (reference §7.5-7.6). Without a preload, open/ioctl/close still come
  // from libc, so a real device sees exactly the same calls.
  const lib = koffi.load(null);
  return {
    open: lib.func('int open(const char *path, int flags)') as Libc['open'],
    ioctl: lib.func('int ioctl(int fd, unsigned long req, void *arg)') as Libc['ioctl'],
    close: lib.func('int close(int fd)') as Libc['close'],
    errno: () => koffi.errno(),
    address: (b) => koffi.address(b),
  };
}

function exec(c: Libc, req: SgIoExec): SgIoReply {
  if (fd < 0) {
    // O_NONBLOCK: an st node (/dev/nstN) opens without a cartridge only this way (stenc PR #74).
    fd = c.open(init.devicePath, O_RDWR | O_NONBLOCK);
    if (fd < 0)
      return { id: req.id, ok: false, errno: c.errno(), call: 'open', message: `open ${init.devicePath}` };
  }
  const cdb = Buffer.from(req.cdb);
  const sense = Buffer.alloc(init.senseBufferSize);
  const data =
    req.direction === 'out'
      ? Buffer.from(req.dataOut ?? [])
      : Buffer.alloc(req.direction === 'in' ? req.allocationLength : 0);
  const header = packSgIoHeader({
    direction:
      req.direction === 'none'
        ? SG_DXFER.NONE
        : req.direction === 'out'
          ? SG_DXFER.TO_DEV
          : SG_DXFER.FROM_DEV,
    cmdLen: cdb.length,
    mxSbLen: sense.length,
    dxferLen: data.length,
    dxferp: data.length > 0 ? c.address(data) : 0n,
    cmdp: c.address(cdb),
    sbp: c.address(sense),
    timeout: req.timeoutMs,
  });
  const rc = header.length === SG_HEADER_SIZE ? c.ioctl(fd, SG_IO, header) : -1;
  const errno = c.errno();
  if (req.direction === 'out') {
    // Data-out may be a Set Data Encryption page: no copy of a key outlives the command.
    data.fill(0);
    req.dataOut?.fill(0);
  }
  if (rc !== 0) return { id: req.id, ok: false, errno, call: 'ioctl', message: 'ioctl(SG_IO)' };
  const r = unpackSgIoHeader(header);
  const got = req.direction === 'in' ? Math.max(0, data.length - r.resid) : 0;
  return {
    id: req.id,
    ok: true,
    status: r.status,
    hostStatus: r.hostStatus,
    driverStatus: r.driverStatus,
    sense: new Uint8Array(sense.subarray(0, Math.min(r.sbLenWr, sense.length))),
    dataIn: new Uint8Array(data.subarray(0, got)),
    residual: r.resid,
    durationMs: r.duration,
  };
}

port.on('message', (msg: SgIoExec | { close: true }) => {
  if ('close' in msg) {
    if (libc && fd >= 0) libc.close(fd);
    fd = -1;
    port.close();
    return;
  }
  void (async () => {
    try {
      libc ??= await load();
      port.postMessage(exec(libc, msg));
    } catch (e) {
      port.postMessage({
        id: msg.id,
        ok: false,
        errno: 0,
        call: 'load',
        message: String(e),
      } satisfies SgIoReply);
    }
  })();
});
