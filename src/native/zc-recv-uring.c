/*
 * The io_uring receiver: one multishot IORING_OP_RECV takes a buffer from a ring of
 * provided buffers for each arrival, so a stream of data needs no new request per
 * receive. Each CQE says which buffer holds the bytes; the buffer goes back to the
 * ring once they are hashed (or at once). The request is armed again when the kernel
 * ends it (out of buffers, or it chose to).
 */
#define _GNU_SOURCE
#include "zc-recv.h"
#include "zc-uring.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#ifndef IORING_RECV_MULTISHOT
#define IORING_RECV_MULTISHOT (1U << 1)
#endif
/* the buffer group the receive draws from */
#define BUF_GROUP 0

typedef struct {
  struct io_uring_buf_ring *ring;
  size_t ring_bytes;
  unsigned entries, mask;
  uint8_t *mem;
  uint64_t buf_bytes;
} buf_ring;

/* hands buffer `bid` back to the kernel: user space only, no system call */
static void give_back(buf_ring *b, unsigned bid, unsigned *tail) {
  struct io_uring_buf *buf = &b->ring->bufs[*tail & b->mask];
  buf->addr = (uint64_t)(uintptr_t)(b->mem + (uint64_t)bid * b->buf_bytes);
  buf->len = (uint32_t)b->buf_bytes;
  buf->bid = (uint16_t)bid;
  (*tail)++;
}

static void publish(buf_ring *b, unsigned tail) {
  __atomic_store_n(&b->ring->tail, (uint16_t)tail, __ATOMIC_RELEASE);
}

/* the multishot receive; under SQPOLL a cancel may leave no room, and the loop then ends */
static void arm(zc_ring *r, int sock) {
  struct io_uring_sqe *s = zc_ring_sqe(r);
  if (!s) return;
  s->opcode = IORING_OP_RECV;
  s->fd = sock;
  s->ioprio = IORING_RECV_MULTISHOT;
  s->flags = IOSQE_BUFFER_SELECT;
  s->buf_group = BUF_GROUP;
}

int zc_recv_uring(recv_ctx *c) {
  zc_transfer *t = c->t;
  unsigned depth = t->recv.uring.depth ? t->recv.uring.depth : ZC_URING_DEFAULT_DEPTH;
  /* a buffer ring's size is a power of two */
  unsigned entries = 1;
  while (entries < depth && entries < 32768) entries <<= 1;
  zc_ring r;
  buf_ring b = {.entries = entries, .mask = entries - 1, .buf_bytes = c->buf_bytes};
  const uint8_t ops[] = {IORING_OP_RECV};
  int rc = -1;
  if (zc_ring_init(&r, t, 4, t->recv.uring.sqpoll, ops, 1)) goto out;
  b.ring_bytes = entries * sizeof(struct io_uring_buf);
  b.ring = zc_buffer_alloc(b.ring_bytes);
  b.mem = zc_buffer_alloc((uint64_t)entries * b.buf_bytes);
  if (!b.ring || !b.mem) {
    zc_fail_io(t, "mmap", ENOMEM);
    goto out;
  }
  struct io_uring_buf_reg reg;
  memset(&reg, 0, sizeof reg);
  reg.ring_addr = (uint64_t)(uintptr_t)b.ring;
  reg.ring_entries = entries;
  reg.bgid = BUF_GROUP;
  if (zc_ring_register(&r, IORING_REGISTER_PBUF_RING, &reg, 1, "IORING_REGISTER_PBUF_RING")) goto out;
  unsigned tail = 0;
  for (unsigned i = 0; i < entries; i++) give_back(&b, i, &tail);
  publish(&b, tail);
  arm(&r, c->sock);
  for (;;) {
    if (zc_ring_submit(&r, 1)) goto out;
    if (zc_cancelled(t)) break;
    int rearm = 0;
    for (struct io_uring_cqe *q; (q = zc_ring_peek(&r));) {
      int res = q->res;
      unsigned flags = q->flags;
      zc_ring_seen(&r);
      if (!(flags & IORING_CQE_F_MORE)) rearm = 1;
      if (res == -ENOBUFS) continue; /* every buffer was in use: re-armed below, once they are back */
      if (res < 0) {
        zc_fail_io(t, "io_uring recv", -res);
        goto out;
      }
      if (res == 0) {
        rc = 0; /* EOF: the sender is done */
        goto out;
      }
      zc_note_cpu(t);
      if (flags & IORING_CQE_F_BUFFER) {
        unsigned bid = flags >> IORING_CQE_BUFFER_SHIFT;
        if (c->checksum) c->crc = zc_crc32c(c->crc, b.mem + (uint64_t)bid * b.buf_bytes, (size_t)res);
        give_back(&b, bid, &tail);
      }
      if (got(c, (uint64_t)res)) goto out;
    }
    publish(&b, tail);
    if (rearm) arm(&r, c->sock);
  }
  rc = 0;
out:
  zc_ring_record_threads(&r);
  zc_ring_free(&r);
  zc_buffer_free(b.ring, b.ring_bytes);
  zc_buffer_free(b.mem, (uint64_t)entries * b.buf_bytes);
  return rc;
}
