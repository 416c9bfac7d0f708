/* The ring itself: setup by the raw system calls, SQE and CQE access with the
 * barriers the kernel's ABI asks for, submission with or without SQPOLL. */
#define _GNU_SOURCE
#include "zc-uring.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int sys_setup(unsigned entries, struct io_uring_params *p) {
  return (int)syscall(__NR_io_uring_setup, entries, p);
}
static int sys_enter(int fd, unsigned to_submit, unsigned min_complete, unsigned flags) {
  return (int)syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags, NULL, 0);
}
static int sys_register(int fd, unsigned opcode, const void *arg, unsigned nr) {
  return (int)syscall(__NR_io_uring_register, fd, opcode, arg, nr);
}

static const char *op_name(uint8_t op) {
  switch (op) {
  case IORING_OP_READ_FIXED: return "IORING_OP_READ_FIXED";
  case IORING_OP_SEND: return "IORING_OP_SEND";
  case IORING_OP_SPLICE: return "IORING_OP_SPLICE";
  case IORING_OP_SEND_ZC: return "IORING_OP_SEND_ZC";
  case IORING_OP_RECV: return "IORING_OP_RECV";
  default: return "an io_uring opcode";
  }
}

static int unsupported(zc_transfer *t, const char *what, int err) {
  char msg[200];
  snprintf(msg, sizeof msg, "this kernel's io_uring lacks %s%s%s", what, err ? ": " : "", err ? strerror(err) : "");
  return zc_error_unsupported(&t->err, NULL, err, msg);
}

/* every opcode the loop needs, or ZC_UNSUPPORTED naming the first one missing */
static int probe(zc_ring *r, const uint8_t *ops, int n) {
  size_t len = sizeof(struct io_uring_probe) + 256 * sizeof(struct io_uring_probe_op);
  struct io_uring_probe *p = calloc(1, len);
  if (!p) return zc_fail_io(r->t, "calloc", ENOMEM);
  int rc = sys_register(r->fd, IORING_REGISTER_PROBE, p, 256);
  ZC_LOOP_CALL(r->t, ZC_SYS_IO_URING_REGISTER);
  if (rc < 0) {
    free(p);
    return unsupported(r->t, "IORING_REGISTER_PROBE", errno);
  }
  for (int i = 0; i < n; i++) {
    uint8_t op = ops[i];
    if (op > p->last_op || !(p->ops[op].flags & IO_URING_OP_SUPPORTED)) {
      free(p);
      return unsupported(r->t, op_name(op), 0);
    }
  }
  free(p);
  return 0;
}

/* the SQ polling thread's TID, from the ring's fdinfo ("SqThread:\t<tid>"): it names
 * the creating thread until the polling thread has started, so ask again until it
 * names another. Each read is counted. */
/* one read of a small /proc file into buf, NUL-terminated: its length, or -1. Counted on
 * `counted` when the loop reads (NULL: another thread reads, for a live sample). */
static ssize_t read_proc(zc_transfer *counted, const char *path, char *buf, size_t len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, len - 1);
  if (counted) ZC_LOOP_CALL(counted, ZC_SYS_READ_PROC);
  close(fd);
  if (n < 0) return -1;
  buf[n] = 0;
  return n;
}

static int sqpoll_tid(zc_ring *r) {
  char path[64], buf[2048];
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", r->fd);
  pid_t self = (pid_t)syscall(SYS_gettid);
  for (int tries = 0; tries < 200; tries++) {
    if (read_proc(r->t, path, buf, sizeof buf) <= 0) return 0;
    const char *s = strstr(buf, "SqThread:");
    int tid = s ? atoi(s + sizeof "SqThread:" - 1) : 0;
    if (tid > 0 && tid != self) return tid;
    struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL);
  }
  return 0;
}

static uint64_t schedstat_ns(zc_transfer *counted, int tid) {
  char path[64], buf[128];
  snprintf(path, sizeof path, "/proc/self/task/%d/schedstat", tid);
  return read_proc(counted, path, buf, sizeof buf) > 0 ? strtoull(buf, NULL, 10) : 0;
}

int zc_ring_init(zc_ring *r, zc_transfer *t, unsigned depth, int sqpoll, const uint8_t *ops, int n_ops) {
  memset(r, 0, sizeof *r);
  r->fd = -1;
  r->t = t;
  struct io_uring_params p;
  memset(&p, 0, sizeof p);
  if (sqpoll) {
    p.flags |= IORING_SETUP_SQPOLL;
    p.sq_thread_idle = ZC_URING_SQPOLL_IDLE_MS;
  }
  /* room for a completion and a notification per SQE (SEND_ZC), and notifications that
   * outlive their batch */
  p.flags |= IORING_SETUP_CQSIZE;
  p.cq_entries = depth * ZC_URING_CQ_PER_SQE;
  r->fd = sys_setup(depth, &p);
  ZC_LOOP_CALL(t, ZC_SYS_IO_URING_SETUP);
  if (r->fd < 0) {
    int err = errno;
    if (err == ENOSYS || err == EPERM) return unsupported(t, "io_uring (io_uring_setup)", err);
    zc_error_set_errno(&t->err, "io_uring_setup", err, "cannot set up an io_uring");
    return -1;
  }
  r->sqpoll = sqpoll;
  r->entries = p.sq_entries;
  r->sq_map_bytes = p.sq_off.array + p.sq_entries * sizeof(unsigned);
  r->cq_map_bytes = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
  if (p.features & IORING_FEAT_SINGLE_MMAP) {
    if (r->cq_map_bytes > r->sq_map_bytes) r->sq_map_bytes = r->cq_map_bytes;
    r->cq_map_bytes = r->sq_map_bytes;
  }
  r->sq_map = mmap(NULL, r->sq_map_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
  if (r->sq_map == MAP_FAILED) goto map_failed;
  if (p.features & IORING_FEAT_SINGLE_MMAP) r->cq_map = r->sq_map;
  else {
    r->cq_map =
        mmap(NULL, r->cq_map_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
    if (r->cq_map == MAP_FAILED) goto map_failed;
  }
  r->sqes_bytes = p.sq_entries * sizeof(struct io_uring_sqe);
  r->sqes = mmap(NULL, r->sqes_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
  if (r->sqes == MAP_FAILED) goto map_failed;
  char *sq = r->sq_map, *cq = r->cq_map;
  r->sq_head = (unsigned *)(sq + p.sq_off.head);
  r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
  r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
  r->sq_array = (unsigned *)(sq + p.sq_off.array);
  r->sq_flags = (unsigned *)(sq + p.sq_off.flags);
  r->cq_head = (unsigned *)(cq + p.cq_off.head);
  r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
  r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
  r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
  /* SQE i always sits at array slot i: the array is filled once */
  for (unsigned i = 0; i < p.sq_entries; i++) r->sq_array[i] = i;
  if (probe(r, ops, n_ops)) return -1;
  if (sqpoll) {
    r->sqpoll_tid = sqpoll_tid(r);
    if (r->sqpoll_tid > 0) r->sqpoll_start_ns = schedstat_ns(t, r->sqpoll_tid);
    t->uring_sqpoll_start_ns = r->sqpoll_start_ns;
    atomic_store(&t->uring_sqpoll_tid, r->sqpoll_tid);
  }
  atomic_store(&t->uring_submitter_tid, (int)syscall(SYS_gettid));
  return 0;
map_failed:
  zc_error_set_errno(&t->err, "mmap", errno, "cannot map the io_uring");
  return -1;
}

void zc_ring_free(zc_ring *r) {
  if (r->sqes && r->sqes != MAP_FAILED) munmap(r->sqes, r->sqes_bytes);
  if (r->cq_map && r->cq_map != MAP_FAILED && r->cq_map != r->sq_map) munmap(r->cq_map, r->cq_map_bytes);
  if (r->sq_map && r->sq_map != MAP_FAILED) munmap(r->sq_map, r->sq_map_bytes);
  if (r->fd >= 0) close(r->fd);
  r->fd = -1;
}

struct io_uring_sqe *zc_ring_sqe(zc_ring *r) {
  unsigned tail = *r->sq_tail + r->sq_pending;
  unsigned head = __atomic_load_n(r->sq_head, __ATOMIC_ACQUIRE);
  /* the polling thread may post completions (a read from the page cache) before it
   * moves the ring's head past their SQEs: wait for it, briefly */
  while (tail - head >= r->entries) {
    if (!r->sqpoll || zc_cancelled(r->t)) return NULL;
    __builtin_ia32_pause();
    head = __atomic_load_n(r->sq_head, __ATOMIC_ACQUIRE);
  }
  struct io_uring_sqe *sqe = &r->sqes[tail & *r->sq_mask];
  memset(sqe, 0, sizeof *sqe);
  r->sq_pending++;
  zc_bump(&r->t->uring_sqes, 1);
  return sqe;
}

static unsigned cq_ready(zc_ring *r) {
  return __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE) - *r->cq_head;
}

int zc_ring_submit(zc_ring *r, unsigned wait_nr) {
  unsigned n = r->sq_pending;
  if (n) {
    /* the SQEs are written: publish the tail after them */
    __atomic_store_n(r->sq_tail, *r->sq_tail + n, __ATOMIC_RELEASE);
    r->sq_pending = 0;
  }
  if (r->sqpoll) {
    /* the polling thread takes new SQEs by itself, unless it went to sleep */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (n && (__atomic_load_n(r->sq_flags, __ATOMIC_RELAXED) & IORING_SQ_NEED_WAKEUP)) {
      int rc = sys_enter(r->fd, 0, 0, IORING_ENTER_SQ_WAKEUP);
      ZC_LOOP_CALL(r->t, ZC_SYS_IO_URING_ENTER);
      if (rc < 0 && errno != EINTR) return zc_fail_io(r->t, "io_uring_enter", errno);
    }
    /* completions are watched in the ring: no system call, one core spinning */
    while (cq_ready(r) < wait_nr) {
      if (zc_cancelled(r->t)) break;
      /* completions that found the CQ ring full wait in the kernel until a call collects them */
      if (__atomic_load_n(r->sq_flags, __ATOMIC_RELAXED) & IORING_SQ_CQ_OVERFLOW) {
        int rc = sys_enter(r->fd, 0, 0, IORING_ENTER_GETEVENTS);
        ZC_LOOP_CALL(r->t, ZC_SYS_IO_URING_ENTER);
        if (rc < 0 && errno != EINTR && errno != EBUSY) return zc_fail_io(r->t, "io_uring_enter", errno);
        continue;
      }
      __builtin_ia32_pause();
    }
    return 0;
  }
  for (;;) {
    unsigned flags = wait_nr ? IORING_ENTER_GETEVENTS : 0;
    if (!n && !wait_nr) return 0;
    int rc = sys_enter(r->fd, n, wait_nr, flags);
    ZC_LOOP_CALL(r->t, ZC_SYS_IO_URING_ENTER);
    if (rc >= 0) return 0;
    if (errno != EINTR) return zc_fail_io(r->t, "io_uring_enter", errno);
    /* interrupted: what was submitted stays submitted; wait again for the rest */
    n = 0;
    if (cq_ready(r) >= wait_nr) return 0;
  }
}

struct io_uring_cqe *zc_ring_peek(zc_ring *r) {
  unsigned head = *r->cq_head;
  if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE)) return NULL;
  return &r->cqes[head & *r->cq_mask];
}

void zc_ring_seen(zc_ring *r) {
  __atomic_store_n(r->cq_head, *r->cq_head + 1, __ATOMIC_RELEASE);
}

int zc_ring_register(zc_ring *r, unsigned opcode, const void *arg, unsigned nr, const char *what) {
  int rc = sys_register(r->fd, opcode, arg, nr);
  ZC_LOOP_CALL(r->t, ZC_SYS_IO_URING_REGISTER);
  if (rc < 0) {
    int err = errno;
    if (err == EINVAL || err == EOPNOTSUPP) return unsupported(r->t, what, err);
    zc_error_set_errno(&r->t->err, "io_uring_register", err, what);
    return -1;
  }
  return 0;
}

/* whether task tid is one of the workers named in `mine` (its comm read once, then
 * remembered when a cache is given); -1 when it is gone */
static int is_mine(zc_transfer *counted, zc_task_cache *cache, int tid, char mine[2][32], int sqpoll_tid) {
  if (cache)
    for (int i = 0; i < cache->n; i++)
      if (cache->tid[i] == tid) return cache->mine[i];
  char path[64], comm[32];
  snprintf(path, sizeof path, "/proc/self/task/%d/comm", tid);
  if (read_proc(counted, path, comm, sizeof comm) <= 0) return -1;
  comm[strcspn(comm, "\n")] = 0;
  int yes = strcmp(comm, mine[0]) == 0 || (sqpoll_tid > 0 && strcmp(comm, mine[1]) == 0);
  if (cache) {
    /* full: start again (a reused tid is then read afresh too) */
    if (cache->n == ZC_TASK_CACHE) cache->n = 0;
    cache->tid[cache->n] = tid;
    cache->mine[cache->n++] = (unsigned char)yes;
  }
  return yes;
}

/* io_uring's worker threads are tasks of this process named iou-wrk-<the submitting
 * task's tid>: the loop thread, or the SQ polling thread that submits for it */
static uint64_t workers_cpu_ns(zc_transfer *counted, zc_task_cache *cache, int submitter_tid, int sqpoll_tid) {
  char mine[2][32];
  snprintf(mine[0], sizeof mine[0], "iou-wrk-%d", submitter_tid);
  snprintf(mine[1], sizeof mine[1], "iou-wrk-%d", sqpoll_tid);
  DIR *d = opendir("/proc/self/task");
  if (!d) return 0;
  uint64_t total = 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    int tid = atoi(e->d_name);
    if (is_mine(counted, cache, tid, mine, sqpoll_tid) == 1) total += schedstat_ns(counted, tid);
  }
  closedir(d);
  return total;
}

static uint64_t sqpoll_cpu_ns(zc_transfer *counted, int tid, uint64_t start_ns) {
  if (tid <= 0) return 0;
  uint64_t now = schedstat_ns(counted, tid);
  return now > start_ns ? now - start_ns : 0;
}

uint64_t zc_ring_worker_cpu_ns(zc_ring *r) {
  return r->fd < 0 ? 0 : workers_cpu_ns(r->t, NULL, (int)syscall(SYS_gettid), r->sqpoll_tid);
}

uint64_t zc_ring_sqpoll_cpu_ns(zc_ring *r) {
  return sqpoll_cpu_ns(r->t, r->sqpoll_tid, r->sqpoll_start_ns);
}

int64_t zc_uring_threads_cpu_ns(zc_transfer *t) {
  int submitter = atomic_load(&t->uring_submitter_tid);
  if (submitter <= 0) return -1;
  if (atomic_load(&t->phase) == ZC_PHASE_DONE) return (int64_t)(t->uring_sqpoll_ns + t->uring_worker_ns);
  int sqpoll = atomic_load(&t->uring_sqpoll_tid);
  return (int64_t)(sqpoll_cpu_ns(NULL, sqpoll, t->uring_sqpoll_start_ns) +
                   workers_cpu_ns(NULL, &t->uring_tasks, submitter, sqpoll));
}
