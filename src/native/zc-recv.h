/* What the receiving loops share: the state of one receive and how bytes are
 * recorded; the io_uring mode's entry point (zc-recv-uring.c). */
#ifndef ZC_RECV_H
#define ZC_RECV_H

#include "zc-loop.h"

#include <stdio.h>

typedef struct {
  zc_transfer *t;
  int sock;
  uint8_t *buf;
  uint64_t buf_bytes;
  int checksum;
  uint32_t crc;
  struct recv_gpu *gpu; /* the gpu-* modes' device and buffers (zc-recv-gpu.c) */
} recv_ctx;

/* records n bytes; -1 (error set) when the trial's byte limit is passed */
static inline int got(recv_ctx *c, uint64_t n) {
  uint64_t now = zc_now_ns();
  zc_note_cpu(c->t);
  if (atomic_load_explicit(&c->t->first_byte_ns, memory_order_relaxed) == 0) {
    atomic_store_explicit(&c->t->first_byte_ns, now, memory_order_relaxed);
    atomic_store(&c->t->phase, ZC_PHASE_MOVING);
  }
  atomic_store_explicit(&c->t->last_byte_ns, now, memory_order_relaxed);
  zc_bump(&c->t->bytes, n);
  uint64_t limit = c->t->recv.max_bytes;
  if (limit && atomic_load_explicit(&c->t->bytes, memory_order_relaxed) > limit) {
    char msg[160];
    snprintf(msg, sizeof msg, "the sender passed this trial's limit of %llu bytes", (unsigned long long)limit);
    zc_error_set(&c->t->err, "ZC_LIMIT", msg);
    return -1;
  }
  return 0;
}

/* multishot IORING_OP_RECV into a ring of provided buffers; 0 at EOF, -1 with the error recorded */
int zc_recv_uring(recv_ctx *c);
/* getsockopt(TCP_ZEROCOPY_RECEIVE) into a mapped region, recv for the rest (zc-recv-mapped.c) */
int zc_recv_mapped(recv_ctx *c);
/* the gpu-* modes (zc-recv-gpu.c): the context, device ring and host buffers, set up
 * before accept (0, or -1 with the error recorded); the receive; the teardown */
int zc_recv_gpu_open(recv_ctx *c);
int zc_recv_gpu(recv_ctx *c);
void zc_recv_gpu_close(recv_ctx *c);

#endif
