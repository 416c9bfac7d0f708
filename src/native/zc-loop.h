/* The loops' own header: what the sending and receiving loops share, kept out of
 * the public API (zc.h), which napi-glue.c and any other front end include. The
 * loops (zc-send.c, zc-recv.c) depend on this and zc-loop.c only; the lifecycle
 * (zc-transfer.c) starts them. */
#ifndef ZC_LOOP_H
#define ZC_LOOP_H

#include "zc.h"

/* Implemented per side; run on the transfer thread. */
void zc_run_sender(zc_transfer *t);
void zc_run_receiver(zc_transfer *t);

static inline void zc_bump(_Atomic uint64_t *v, uint64_t by) {
  /* single writer: a relaxed load + store avoids a locked add on the hot path */
  atomic_store_explicit(v, atomic_load_explicit(v, memory_order_relaxed) + by, memory_order_relaxed);
}
/* one data syscall made by the loop, counted by name (compared with strace) */
#define ZC_LOOP_CALL(t, sys) zc_bump(&(t)->calls[sys], 1)

static inline int zc_cancelled(zc_transfer *t) {
  return atomic_load_explicit(&t->cancel, memory_order_relaxed);
}

/* notes the CPU the loop is on now; called once per loop call */
static inline void zc_note_cpu(zc_transfer *t) {
  int cpu = sched_getcpu();
  if (cpu < 0 || cpu >= ZC_MAX_CPUS) return;
  int last = atomic_load_explicit(&t->cpu.last, memory_order_relaxed);
  if (cpu == last) return;
  if (last >= 0) zc_bump(&t->cpu.migrations, 1);
  atomic_store_explicit(&t->cpu.last, cpu, memory_order_relaxed);
  _Atomic uint64_t *w = &t->cpu.seen[cpu / 64];
  atomic_store_explicit(w, atomic_load_explicit(w, memory_order_relaxed) | (1ull << (cpu % 64)), memory_order_relaxed);
}

/* Publishes the loop's data socket for cancel to shut down; closes it at the end. */
void zc_transfer_set_sock(zc_transfer *t, int fd);
void zc_transfer_close_sock(zc_transfer *t);

/* A failed call in a loop, recorded on t: a cancel says so, a peer that went away
 * (EPIPE, ECONNRESET) says which side left, else the errno and the call. Returns -1. */
int zc_fail_io(zc_transfer *t, const char *syscall, int err);

/* Loop buffers come straight from mmap: glibc's malloc may read /proc when it trims
 * a thread arena, which would show up among the loop's syscalls. NULL on failure. */
void *zc_buffer_alloc(uint64_t bytes);
void zc_buffer_free(void *p, uint64_t bytes);

/* A pipe for splice, sized to hold `want` bytes where the kernel allows (pipe-max-size
 * caps it, and no pipe exceeds 1 GiB). Answers what one splice through it may move;
 * 0 when pipe2 failed (errno set; p untouched). */
uint64_t zc_splice_pipe(int p[2], uint64_t want);

#endif
