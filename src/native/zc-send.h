/* What the sending loops share: the state of one send, the rule that bounds every
 * method's next call, and the io_uring loops' entry points (zc-send-uring.c). */
#ifndef ZC_SEND_H
#define ZC_SEND_H

#include "zc-loop.h"

typedef struct {
  zc_transfer *t;
  int file_fd, sock;
  uint64_t size, chunk;
  const uint8_t *map;   /* mmap and msg-zerocopy */
  /* where the next call reads the file, and what bounds the trial */
  uint64_t off;         /* offset in the file */
  uint64_t sent;        /* bytes sent so far, all passes */
  uint64_t limit;       /* 0: none */
  uint64_t deadline_ns; /* 0: none */
  int loop;
  int rewound;          /* the last next_piece() started the file again */
} send_ctx;

static inline void moved(send_ctx *c, uint64_t n) {
  c->sent += n;
  zc_bump(&c->t->bytes, n);
}

/*
 * How many bytes the next call may move, and from which offset (c->off): 0 when the
 * trial is over. One rule for every method: one pass ends at the file's end; a looped
 * trial starts the file again there, until its byte limit or its deadline.
 */
static inline uint64_t next_piece(send_ctx *c) {
  c->rewound = 0;
  if (zc_cancelled(c->t)) return 0;
  if (c->limit && c->sent >= c->limit) return 0;
  /* clock_gettime is a vDSO call: the deadline costs no syscall */
  if (c->deadline_ns && zc_now_ns() >= c->deadline_ns) return 0;
  if (c->off >= c->size) {
    if (!c->loop) return 0;
    c->off = 0;
    c->rewound = 1;
  }
  zc_note_cpu(c->t);
  uint64_t want = c->size - c->off < c->chunk ? c->size - c->off : c->chunk;
  if (c->limit && c->limit - c->sent < want) want = c->limit - c->sent;
  return want;
}

static inline int short_file(send_ctx *c) {
  zc_error_set(&c->t->err, "ZC_SHORT_FILE", "the file shrank while it was being sent");
  return -1;
}

/* the io_uring methods (zc-send-uring.c); 0, or -1 with the error recorded */
int zc_send_uring_send(send_ctx *c);
int zc_send_uring_splice(send_ctx *c);
int zc_send_uring_send_zc(send_ctx *c);

/* the GPU methods (zc-send-gpu.c): the device opened, the file moved into its memory;
 * declared here, with the other loops of the method table, so the CUDA header below
 * them (zc-gpu.h) needs nothing of the sender's */
int zc_send_gpu(send_ctx *c);

#endif
