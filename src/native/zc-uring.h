/* A minimal io_uring, on the raw system calls: no liburing to build or link, so the
 * prebuilt addon works on any kernel that has the opcodes, and says so when it
 * lacks them. One ring per transfer thread; every io_uring_* call it makes is
 * counted on that transfer, as the loops count theirs. */
#ifndef ZC_URING_H
#define ZC_URING_H

#include "zc-loop.h"

#include <linux/io_uring.h>

/* CQ ring entries per SQ entry: a SEND_ZC's completion and notification, with room to spare */
#define ZC_URING_CQ_PER_SQE 4
/* an SQPOLL thread with nothing to do sleeps after this long (it then needs a wakeup call) */
#define ZC_URING_SQPOLL_IDLE_MS 1000

typedef struct {
  int fd;
  zc_transfer *t;
  unsigned entries;
  int sqpoll;
  /* submission ring */
  unsigned *sq_head, *sq_tail, *sq_mask, *sq_array, *sq_flags;
  struct io_uring_sqe *sqes;
  unsigned sq_pending; /* SQEs filled since the last submit */
  /* completion ring */
  unsigned *cq_head, *cq_tail, *cq_mask;
  struct io_uring_cqe *cqes;
  void *sq_map, *cq_map;
  size_t sq_map_bytes, cq_map_bytes, sqes_bytes;
  /* the kernel's SQ polling thread, when there is one */
  int sqpoll_tid;
  uint64_t sqpoll_start_ns;
} zc_ring;

/* Sets up a ring of `depth` entries (SQPOLL when asked) and checks the kernel supports
 * each of `ops`: a missing one is ZC_UNSUPPORTED, named. -1 with t->err set on failure. */
int zc_ring_init(zc_ring *r, zc_transfer *t, unsigned depth, int sqpoll, const uint8_t *ops, int n_ops);
void zc_ring_free(zc_ring *r);

/* The next free SQE, zeroed and counted; NULL when the ring is full (submit first). */
struct io_uring_sqe *zc_ring_sqe(zc_ring *r);

/* Hands the filled SQEs to the kernel and, with wait_nr > 0, waits until that many
 * completions are queued. Without SQPOLL that is one io_uring_enter; with it, none
 * unless the polling thread slept, and completions are awaited by watching the ring.
 * Returns 0, or -1 with t->err set. */
int zc_ring_submit(zc_ring *r, unsigned wait_nr);

/* The oldest completion, or NULL; zc_ring_seen() consumes it. */
struct io_uring_cqe *zc_ring_peek(zc_ring *r);
void zc_ring_seen(zc_ring *r);

/* Registers buffers or files with the ring: one counted io_uring_register. */
int zc_ring_register(zc_ring *r, unsigned opcode, const void *arg, unsigned nr, const char *what);

/* CPU time the SQ polling thread has used since the ring was set up (0 without one).
 * Reads its /proc schedstat: one counted read. */
uint64_t zc_ring_sqpoll_cpu_ns(zc_ring *r);

/* CPU io_uring's worker threads (io-wq: work the kernel could not do inline, such as a
 * splice) have used for this ring's submitter: read from their /proc schedstat as the
 * loop ends, before the ring goes. Each read is counted. Workers that exited before
 * (idle for seconds) are not seen. */
uint64_t zc_ring_worker_cpu_ns(zc_ring *r);

/* What one SEND_ZC completion says, as ZC_SENDZC_* bits: a notification (the kernel let
 * go of the pages), whether the kernel copied them after all (IORING_NOTIF_USAGE_ZC_COPIED
 * in its res), and whether a send's notification is still to come (IORING_CQE_F_MORE).
 * Pure, so a test can feed it made-up completions (zcprof's _sendZcCqeKind). */
enum { ZC_SENDZC_NOTIF = 1, ZC_SENDZC_COPIED = 2, ZC_SENDZC_MORE = 4 };
unsigned zc_sendzc_cqe_kind(uint32_t flags, int32_t res);

/* both, recorded on the transfer as its loop ends */
static inline void zc_ring_record_threads(zc_ring *r) {
  r->t->uring_sqpoll_ns = zc_ring_sqpoll_cpu_ns(r);
  r->t->uring_worker_ns = zc_ring_worker_cpu_ns(r);
}

#endif
