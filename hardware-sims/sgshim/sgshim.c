/*
 * sgshim: an LD_PRELOAD library that lets unmodified Linux SCSI tools (sg_inq, sg_raw, mtx,
 * stenc) talk to Lockwarden's tape emulators instead of /dev/sg* and /dev/nst*.
 *
 *   LD_PRELOAD=.../libsgshim.so LWSIM_DIR=/tmp/sims sg_inq /dev/lwsim/nst0
 *
 * A path under LWSIM_PREFIX (default "/dev/lwsim/") names an emulator socket in LWSIM_DIR:
 *   nstN, stN -> nstN.sock (tape drive, st semantics at open: see st_open_check)
 *   schN      -> schN.sock (media changer)
 *   sgN       -> the N-th device, drives first (nst0.sock, nst1.sock, ..., sch0.sock, ...)
 *   NAME      -> NAME.sock (anything else, as is)
 * Opening one connects a Unix socket to the emulator and returns that socket as the fd, so
 * close/dup/fstat/poll keep working. The connection is one I_T nexus (sim-scsi-socket.md).
 * ioctl on such an fd speaks the frame format of sim-scsi-socket.md (version 1):
 *   SG_IO               one request/response frame; sg_io_hdr_t filled as the kernel would
 *   SG_GET_VERSION_NUM  30536 (sg 3.5.36); mtx refuses a device that does not answer it
 *   SG_GET/SET_TIMEOUT, SG_GET/SET_RESERVED_SIZE, SG_EMULATED_HOST, SCSI_IOCTL_GET_IDLUN,
 *   SCSI_IOCTL_GET_BUS_NUMBER
 *   MTIOCTOP            (tape names only) SPACE / REWIND / LOAD UNLOAD / WRITE FILEMARKS CDBs
 *   MTIOCGET            (tape names only) online / door-open from TEST UNIT READY
 * Anything else on a mapped fd fails with ENOTTY (and is logged when LWSIM_DEBUG=1). read()
 * and write() are NOT translated to READ(6)/WRITE(6): tar/dd/mt data I/O is out of scope.
 * Every other path and fd passes straight through to libc (dlsym(RTLD_NEXT, ...)).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <scsi/scsi.h>
#include <scsi/sg.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mtio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_MAPPED 64        /* open emulator fds per process */
#define DEFAULT_TIMEOUT_MS 60000
#define SG_VERSION 30536
#define DRIVER_SENSE 0x08
#define DID_NO_CONNECT 0x01
#define DID_TIME_OUT 0x03
#define DID_ERROR 0x07
#define MAX_SENSE 252

/* ---- the real libc functions ------------------------------------------------------------- */

static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static int (*real___open_2)(const char *, int);
static int (*real___open64_2)(const char *, int);
static int (*real_close)(int);
static int (*real_ioctl)(int, unsigned long, ...);

static pthread_once_t resolve_once = PTHREAD_ONCE_INIT;

static void resolve(void) {
  real_open = dlsym(RTLD_NEXT, "open");
  real_open64 = dlsym(RTLD_NEXT, "open64");
  real_openat = dlsym(RTLD_NEXT, "openat");
  real_openat64 = dlsym(RTLD_NEXT, "openat64");
  real___open_2 = dlsym(RTLD_NEXT, "__open_2");
  real___open64_2 = dlsym(RTLD_NEXT, "__open64_2");
  real_close = dlsym(RTLD_NEXT, "close");
  real_ioctl = dlsym(RTLD_NEXT, "ioctl");
}

static int debug_on(void) {
  const char *d = getenv("LWSIM_DEBUG");
  return d != NULL && d[0] != '\0' && strcmp(d, "0") != 0;
}

#define DEBUG(...)                              \
  do {                                          \
    if (debug_on()) {                           \
      fprintf(stderr, "lwsim: " __VA_ARGS__);   \
      fputc('\n', stderr);                      \
    }                                           \
  } while (0)

/* ---- the fd table: which fds are emulator connections ------------------------------------ */

struct mapped {
  int fd;                 /* -1 = free slot */
  int tape;               /* an st name (nstN/stN): MTIOCTOP/MTIOCGET allowed */
  unsigned target;        /* SCSI target id reported by SCSI_IOCTL_GET_IDLUN */
  int broken;             /* the connection failed mid-frame; every later command fails */
  unsigned timeout_ms;    /* SG_SET_TIMEOUT */
  pthread_mutex_t io;     /* one frame exchange at a time on this connection */
};

static struct mapped table[MAX_MAPPED];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void table_init(void) {
  for (int i = 0; i < MAX_MAPPED; i++) {
    table[i].fd = -1;
    pthread_mutex_init(&table[i].io, NULL);
  }
}

/* The slot of a mapped fd, or NULL. The slot stays valid until the application closes the fd. */
static struct mapped *lookup(int fd) {
  struct mapped *m = NULL;
  pthread_once(&table_once, table_init);
  pthread_mutex_lock(&table_lock);
  for (int i = 0; i < MAX_MAPPED && fd >= 0; i++)
    if (table[i].fd == fd) m = &table[i];
  pthread_mutex_unlock(&table_lock);
  return m;
}

static int track(int fd, int tape, unsigned target) {
  int ok = 0;
  pthread_once(&table_once, table_init);
  pthread_mutex_lock(&table_lock);
  for (int i = 0; i < MAX_MAPPED && !ok; i++) {
    if (table[i].fd == -1) {
      table[i].fd = fd;
      table[i].tape = tape;
      table[i].target = target;
      table[i].broken = 0;
      table[i].timeout_ms = 0;
      ok = 1;
    }
  }
  pthread_mutex_unlock(&table_lock);
  return ok;
}

static void untrack(int fd) {
  pthread_once(&table_once, table_init);
  pthread_mutex_lock(&table_lock);
  for (int i = 0; i < MAX_MAPPED; i++)
    if (table[i].fd == fd) table[i].fd = -1;
  pthread_mutex_unlock(&table_lock);
}

/* ---- one frame exchange (sim-scsi-socket.md) --------------------------------------------- */

struct command {
  const uint8_t *cdb;
  uint8_t cdb_len;
  int direction;          /* 0 none, 1 data-out, 2 data-in */
  void *data;             /* data-out bytes, or the data-in buffer */
  uint32_t data_len;
  uint32_t timeout_ms;
};

struct result {
  uint8_t status, host_status, sense_len;
  uint8_t sense[MAX_SENSE];
  uint32_t data_len, resid;
};

static void put32(uint8_t *p, uint32_t v) {
  p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

static uint32_t get32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int send_all(int fd, const void *buf, size_t len) {
  for (const char *p = buf; len > 0;) {
    ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    p += n, len -= (size_t)n;
  }
  return 0;
}

/* Reads exactly len bytes; buf NULL discards them. */
static int recv_all(int fd, void *buf, size_t len) {
  char scratch[4096];
  while (len > 0) {
    size_t want = buf ? len : (len < sizeof scratch ? len : sizeof scratch);
    ssize_t n = recv(fd, buf ? buf : scratch, want, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) errno = ECONNRESET; /* the emulator closed the connection */
    if (n <= 0) return -1;
    if (buf) buf = (char *)buf + n;
    len -= (size_t)n;
  }
  return 0;
}

/*
 * Sends one command and reads its answer. A transport failure (the emulator went away, or did
 * not answer within the command's timeout plus 10 s) marks the connection broken and comes back
 * as host_status DID_NO_CONNECT / DID_TIME_OUT, which is how the kernel reports it too.
 */
static void exchange(struct mapped *m, const struct command *c, struct result *r) {
  int saved_errno = errno; /* callers such as stenc test errno after a successful ioctl */
  uint8_t head[22 + 16], rhead[19];
  uint32_t out_len = c->direction == 1 ? c->data_len : 0;
  uint32_t in_len = c->direction == 2 ? c->data_len : 0;
  memset(r, 0, sizeof *r);
  pthread_mutex_lock(&m->io);
  if (m->broken) goto no_connect;
  memcpy(head, "LWS1", 4);
  put32(head + 4, 14 + c->cdb_len + out_len);
  head[8] = (uint8_t)c->direction;
  head[9] = c->cdb_len;
  put32(head + 10, c->timeout_ms);
  put32(head + 14, in_len);
  put32(head + 18, out_len);
  memcpy(head + 22, c->cdb, c->cdb_len);
  unsigned wait_ms = (c->timeout_ms ? c->timeout_ms : DEFAULT_TIMEOUT_MS) + 10000;
  struct timeval tv = {.tv_sec = wait_ms / 1000, .tv_usec = (wait_ms % 1000) * 1000};
  setsockopt(m->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (send_all(m->fd, head, 22u + c->cdb_len) || (out_len && send_all(m->fd, c->data, out_len)))
    goto no_connect;
  if (recv_all(m->fd, rhead, sizeof rhead)) goto failed;
  errno = EPROTO; /* from here on a failure is a malformed answer */
  if (memcmp(rhead, "LWS1", 4) != 0) goto failed;
  r->status = rhead[8];
  r->host_status = rhead[9];
  r->sense_len = rhead[10];
  r->data_len = get32(rhead + 11);
  r->resid = get32(rhead + 15);
  if (get32(rhead + 4) != 11u + r->sense_len + r->data_len || r->data_len > in_len) goto failed;
  if (recv_all(m->fd, r->sense, r->sense_len) || recv_all(m->fd, c->data, r->data_len)) goto failed;
  goto done;
failed:
  m->broken = 1;
  memset(r, 0, sizeof *r);
  r->host_status = errno == EAGAIN || errno == EWOULDBLOCK ? DID_TIME_OUT : DID_ERROR;
  goto done;
no_connect:
  m->broken = 1;
  memset(r, 0, sizeof *r);
  r->host_status = DID_NO_CONNECT;
done:
  pthread_mutex_unlock(&m->io);
  errno = saved_errno;
}

/* Sense key, ASC and ASCQ of fixed (0x70/0x71) or descriptor (0x72/0x73) sense. */
static void sense_code(const uint8_t *s, unsigned len, int *key, int *asc, int *ascq) {
  *key = *asc = *ascq = 0;
  if (len < 4) return;
  if ((s[0] & 0x7f) >= 0x72) {
    *key = s[1] & 0x0f, *asc = s[2], *ascq = s[3];
  } else if (len >= 14) {
    *key = s[2] & 0x0f, *asc = s[12], *ascq = s[13];
  }
}

/* CHECK CONDITION whose sense key is NO SENSE (a filemark or end of medium while spacing). */
#define CHECK_NO_SENSE_KEY 0x10

/* A CDB without data; returns the sense key (0 for GOOD, -1 for a transport failure). */
static int simple(struct mapped *m, const uint8_t *cdb, uint8_t len, int *asc, int *ascq) {
  struct command c = {.cdb = cdb, .cdb_len = len, .timeout_ms = m->timeout_ms};
  struct result r;
  int key, a, q;
  exchange(m, &c, &r);
  if (r.host_status) return -1;
  sense_code(r.sense, r.sense_len, &key, &a, &q);
  if (asc) *asc = a;
  if (ascq) *ascq = q;
  return r.status == 0 ? 0 : (key ? key : CHECK_NO_SENSE_KEY);
}

/* ---- open: path -> emulator socket ------------------------------------------------------- */

static const char *prefix(void) {
  const char *p = getenv("LWSIM_PREFIX");
  return p && *p ? p : "/dev/lwsim/";
}

static int sock_exists(const char *dir, const char *name) {
  char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 64];
  snprintf(path, sizeof path, "%s/%s.sock", dir, name);
  return access(path, F_OK) == 0;
}

static unsigned count_drives(const char *dir) {
  char probe[32];
  unsigned n = 0;
  for (;; n++) {
    snprintf(probe, sizeof probe, "nst%u", n);
    if (!sock_exists(dir, probe)) return n;
  }
}

/*
 * The socket file name (without .sock) for a device name. Sets *tape for st names and *target
 * to the device's number in sg order (drives first), which SCSI_IOCTL_GET_IDLUN reports.
 */
static int socket_name(const char *dir, const char *name, char *out, size_t size, int *tape,
                       unsigned *target) {
  unsigned n;
  char rest;
  *tape = 0;
  *target = 0;
  if (sscanf(name, "nst%u%c", &n, &rest) == 1 || sscanf(name, "st%u%c", &n, &rest) == 1) {
    *tape = 1;
    *target = n;
    return snprintf(out, size, "nst%u", n) >= (int)size;
  }
  if (sscanf(name, "sch%u%c", &n, &rest) == 1) {
    *target = count_drives(dir) + n;
    return snprintf(out, size, "sch%u", n) >= (int)size;
  }
  if (sscanf(name, "sg%u%c", &n, &rest) == 1) {
    unsigned drives = count_drives(dir);
    *target = n;
    if (n < drives) return snprintf(out, size, "nst%u", n) >= (int)size;
    return snprintf(out, size, "sch%u", n - drives) >= (int)size;
  }
  return snprintf(out, size, "%s", name) >= (int)size;
}

/*
 * What st's open does before it returns an fd: wait while the drive is becoming ready, and
 * without O_NONBLOCK refuse a drive with no tape (ENOMEDIUM) or not ready (EIO). That is why
 * stenc 1.0.7 fails on an empty drive and sg_raw (O_NONBLOCK) does not.
 */
static int st_open_check(struct mapped *m, int flags) {
  static const uint8_t tur[6] = {0};
  int asc = 0, ascq = 0, key = 0;
  if (flags & O_NONBLOCK) return 0;
  for (int tries = 0; tries < 200; tries++) {
    key = simple(m, tur, 6, &asc, &ascq);
    if (key == 6) continue; /* a unit attention: st consumes it and asks again */
    if (key != 2 || asc != 0x04 || ascq != 0x01) break;
    nanosleep(&(struct timespec){.tv_nsec = 50 * 1000 * 1000}, NULL); /* becoming ready */
  }
  if (key == 0) return 0;
  return key == 2 && asc == 0x3a ? ENOMEDIUM : EIO;
}

/*
 * A new connection is a new I_T nexus, which the emulator greets with a power-on UNIT
 * ATTENTION. On a real host the kernel's scan consumed that long before any tool ran, so the
 * shim does the same: REQUEST SENSE until the nexus owes nothing (LWSIM_KEEP_UA=1 skips it).
 */
static void drain_unit_attentions(struct mapped *m) {
  const char *keep = getenv("LWSIM_KEEP_UA");
  uint8_t cdb[6] = {0x03, 0, 0, 0, MAX_SENSE, 0}, data[MAX_SENSE];
  if (keep && *keep && strcmp(keep, "0") != 0) return;
  for (int i = 0; i < 8; i++) {
    struct command c = {.cdb = cdb, .cdb_len = 6, .direction = 2, .data = data, .data_len = MAX_SENSE};
    struct result r;
    int key, asc, ascq;
    exchange(m, &c, &r);
    if (r.host_status || r.status) return;
    sense_code(data, r.data_len, &key, &asc, &ascq);
    if (key != 6) return;
    DEBUG("fd %d: consumed unit attention %x/%02x/%02x", m->fd, key, asc, ascq);
  }
}

/* Returns the new fd, -1 with errno, or -2 when the path is not ours. */
static int lw_open(const char *path, int flags) {
  int saved_errno = errno;
  const char *pre = prefix(), *dir = getenv("LWSIM_DIR");
  size_t plen = strlen(pre);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  char name[64];
  int tape, fd, err;
  unsigned target;
  if (path == NULL || strncmp(path, pre, plen) != 0) return -2;
  if (dir == NULL || *dir == '\0') {
    DEBUG("open %s: LWSIM_DIR is not set", path);
    errno = ENOENT;
    return -1;
  }
  if (socket_name(dir, path + plen, name, sizeof name, &tape, &target) ||
      snprintf(addr.sun_path, sizeof addr.sun_path, "%s/%s.sock", dir, name) >=
          (int)sizeof addr.sun_path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  fd = socket(AF_UNIX, SOCK_STREAM | (flags & O_CLOEXEC ? SOCK_CLOEXEC : 0), 0);
  if (fd < 0) return -1;
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    err = errno == ECONNREFUSED ? ENXIO : errno; /* a dead emulator: "no such device" */
    DEBUG("open %s: cannot connect to %s: %s", path, addr.sun_path, strerror(errno));
    real_close(fd);
    errno = err;
    return -1;
  }
  if (!track(fd, tape, target)) {
    real_close(fd);
    errno = EMFILE;
    return -1;
  }
  struct mapped *m = lookup(fd);
  drain_unit_attentions(m);
  if (tape && (err = st_open_check(m, flags)) != 0) {
    DEBUG("open %s: %s (st refuses to open without O_NONBLOCK)", path, strerror(err));
    untrack(fd);
    real_close(fd);
    errno = err;
    return -1;
  }
  DEBUG("open %s -> fd %d (%s)", path, fd, addr.sun_path);
  errno = saved_errno;
  return fd;
}

/* The mode argument exists only with O_CREAT / O_TMPFILE. */
#define MODE_ARG(flags, last)                        \
  mode_t mode = 0;                                   \
  if ((flags) & (O_CREAT | __O_TMPFILE)) {           \
    va_list ap;                                      \
    va_start(ap, last);                              \
    mode = va_arg(ap, mode_t);                       \
    va_end(ap);                                      \
  }

int open(const char *path, int flags, ...) {
  MODE_ARG(flags, flags);
  pthread_once(&resolve_once, resolve);
  int fd = lw_open(path, flags);
  return fd != -2 ? fd : real_open(path, flags, mode);
}

int open64(const char *path, int flags, ...) {
  MODE_ARG(flags, flags);
  pthread_once(&resolve_once, resolve);
  int fd = lw_open(path, flags);
  return fd != -2 ? fd : real_open64(path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...) {
  MODE_ARG(flags, flags);
  pthread_once(&resolve_once, resolve);
  int fd = lw_open(path, flags); /* our prefix is absolute, so dirfd does not matter */
  return fd != -2 ? fd : real_openat(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...) {
  MODE_ARG(flags, flags);
  pthread_once(&resolve_once, resolve);
  int fd = lw_open(path, flags);
  return fd != -2 ? fd : real_openat64(dirfd, path, flags, mode);
}

/* _FORTIFY_SOURCE builds call these (libsgutils2 uses __open64_2). */
int __open_2(const char *path, int flags) {
  pthread_once(&resolve_once, resolve);
  int fd = lw_open(path, flags);
  return fd != -2 ? fd : real___open_2(path, flags);
}

int __open64_2(const char *path, int flags) {
  pthread_once(&resolve_once, resolve);
  int fd = lw_open(path, flags);
  return fd != -2 ? fd : real___open64_2(path, flags);
}

int close(int fd) {
  pthread_once(&resolve_once, resolve);
  untrack(fd); /* closing the socket ends the nexus on the emulator side */
  return real_close(fd);
}

/* ---- ioctl ------------------------------------------------------------------------------- */

static int sg_io(struct mapped *m, sg_io_hdr_t *h) {
  struct timespec t0, t1;
  struct result r;
  if (h == NULL) return errno = EFAULT, -1;
  if (h->interface_id != 'S') return errno = ENOSYS, -1;
  if (h->iovec_count != 0 || h->cmd_len < 6 || h->cmd_len > 16 || h->cmdp == NULL)
    return errno = EINVAL, -1;
  struct command c = {.cdb = h->cmdp, .cdb_len = h->cmd_len, .data = h->dxferp,
                      .data_len = h->dxfer_len, .timeout_ms = h->timeout};
  if (h->dxfer_len > 0 && h->dxferp != NULL) {
    if (h->dxfer_direction == SG_DXFER_TO_DEV) c.direction = 1;
    else if (h->dxfer_direction == SG_DXFER_FROM_DEV || h->dxfer_direction == SG_DXFER_TO_FROM_DEV)
      c.direction = 2;
  }
  if (c.direction == 0) c.data_len = 0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  exchange(m, &c, &r);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  /* Filled as the kernel does (sim-scsi-socket.md "Mapping to SG_IO"). */
  h->status = r.status;
  h->masked_status = (r.status >> 1) & 0x7f;
  h->msg_status = 0;
  h->host_status = r.host_status;
  h->driver_status = r.sense_len > 0 ? DRIVER_SENSE : 0;
  h->sb_len_wr = r.sense_len < h->mx_sb_len ? r.sense_len : h->mx_sb_len;
  if (h->sb_len_wr > 0 && h->sbp != NULL) memcpy(h->sbp, r.sense, h->sb_len_wr);
  else h->sb_len_wr = 0;
  h->resid = c.direction == 2 ? (int)r.resid : 0;
  if (r.host_status) h->resid = (int)c.data_len;
  h->duration = (unsigned)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
  h->info = (r.status || r.host_status || h->driver_status) ? SG_INFO_CHECK : SG_INFO_OK;
  if (debug_on()) {
    char hex[16 * 3 + 1] = "";
    for (unsigned i = 0; i < c.cdb_len; i++) snprintf(hex + 3 * i, 4, "%02x ", c.cdb[i]);
    DEBUG("fd %d: SG_IO [%s] %u bytes %s -> status %02x host %02x sense %u resid %d", m->fd, hex,
          c.data_len, c.direction == 1 ? "out" : c.direction == 2 ? "in" : "none", r.status,
          r.host_status, r.sense_len, h->resid);
  }
  return 0;
}

/* st's MTIOCTOP: the CDB st would send. A command that fails is EIO, as st reports it. */
static int mt_op(struct mapped *m, const struct mtop *op) {
  uint8_t cdb[6] = {0};
  int32_t count = op->mt_count;
  switch (op->mt_op) {
    case MTNOP: return 0;
    case MTFSR: cdb[0] = 0x11, cdb[1] = 0; break;           /* SPACE blocks */
    case MTBSR: cdb[0] = 0x11, cdb[1] = 0, count = -count; break;
    case MTFSF: cdb[0] = 0x11, cdb[1] = 1; break;           /* SPACE filemarks */
    case MTBSF: cdb[0] = 0x11, cdb[1] = 1, count = -count; break;
    case MTEOM: cdb[0] = 0x11, cdb[1] = 3, count = 0; break; /* SPACE end of data */
    case MTWEOF: cdb[0] = 0x10; break;                       /* WRITE FILEMARKS */
    case MTREW: cdb[0] = 0x01; break;                        /* REWIND */
    case MTLOAD: cdb[0] = 0x1b, cdb[4] = 0x01; break;        /* LOAD UNLOAD, LOAD=1 */
    case MTUNLOAD:
    case MTOFFL: cdb[0] = 0x1b, cdb[4] = 0x00; break;        /* LOAD UNLOAD, LOAD=0 */
    default: return errno = EINVAL, -1;
  }
  if (cdb[0] == 0x11 || cdb[0] == 0x10) {
    uint32_t c24 = (uint32_t)count & 0xffffff; /* two's complement, 24 bits */
    cdb[2] = c24 >> 16, cdb[3] = c24 >> 8, cdb[4] = c24;
  }
  int key = simple(m, cdb, 6, NULL, NULL);
  DEBUG("fd %d: MTIOCTOP %d count %d -> sense key %d", m->fd, op->mt_op, op->mt_count, key);
  return key == 0 ? 0 : (errno = EIO, -1);
}

/* st's MTIOCGET, reduced to what TEST UNIT READY can tell: online, or door open (no tape). */
static int mt_get(struct mapped *m, struct mtget *g) {
  static const uint8_t tur[6] = {0};
  int asc = 0, key = simple(m, tur, 6, &asc, NULL);
  if (key == 6) key = simple(m, tur, 6, &asc, NULL);
  memset(g, 0, sizeof *g);
  g->mt_type = MT_ISSCSI2;
  g->mt_fileno = -1; /* position unknown: the shim does not track it */
  g->mt_blkno = -1;
  /* The GMT_* macros test a bit; applied to all-ones they give the bit itself. */
  g->mt_gstat = key == 0 ? GMT_ONLINE(~0UL) : key == 2 && asc == 0x3a ? GMT_DR_OPEN(~0UL) : 0;
  return 0;
}

static int lw_ioctl(struct mapped *m, unsigned long req, void *arg) {
  switch (req) {
    case SG_IO: return sg_io(m, arg);
    case SG_GET_VERSION_NUM: *(int *)arg = SG_VERSION; return 0;
    case SG_GET_TIMEOUT: return (int)(m->timeout_ms ? m->timeout_ms : DEFAULT_TIMEOUT_MS) / 10;
    case SG_SET_TIMEOUT: m->timeout_ms = (unsigned)*(int *)arg * 10; return 0; /* jiffies, HZ=100 */
    case SG_GET_RESERVED_SIZE: *(int *)arg = 1 << 20; return 0;
    case SG_SET_RESERVED_SIZE: return 0;
    case SG_EMULATED_HOST: *(int *)arg = 0; return 0;
    /* host 0, channel 0, lun 0; mtx asks for the changer's own id */
    case SCSI_IOCTL_GET_IDLUN: ((int *)arg)[0] = (int)(m->target & 0xff), ((int *)arg)[1] = 0; return 0;
    case SCSI_IOCTL_GET_BUS_NUMBER: *(int *)arg = 0; return 0;
    case MTIOCTOP: if (m->tape) return mt_op(m, arg); break;
    case MTIOCGET: if (m->tape) return mt_get(m, arg); break;
    default: break;
  }
  DEBUG("fd %d: unhandled ioctl 0x%lx -> ENOTTY", m->fd, req);
  return errno = ENOTTY, -1;
}

int ioctl(int fd, unsigned long req, ...) {
  va_list ap;
  va_start(ap, req);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  pthread_once(&resolve_once, resolve);
  struct mapped *m = lookup(fd);
  if (m == NULL) return real_ioctl(fd, req, arg);
  int saved_errno = errno, rc = lw_ioctl(m, req, arg);
  if (rc >= 0) errno = saved_errno; /* success leaves errno alone, as the kernel does */
  return rc;
}
