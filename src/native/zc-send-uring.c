/*
 * The io_uring sending methods. Each plans a batch of pieces by the same next_piece
 * rule as the other methods, hands the batch to the kernel in one submission, and
 * reaps it. Sends on one stream socket must leave in order, so a batch's sends are
 * one linked chain; a piece the chain did not finish is sent again, alone, in order.
 *
 *   uring-send     READ_FIXED into registered buffers, then SEND of each: the copy
 *                  path, two submissions per batch instead of two calls per chunk
 *   uring-splice   SPLICE file → pipe → socket, each pair linked, the batch one chain
 *   uring-send-zc  SEND_ZC from the file's mapping; its notifications say when the
 *                  kernel copied anyway (IORING_NOTIF_USAGE_ZC_COPIED)
 */
#define _GNU_SOURCE
#include "zc-send.h"
#include "zc-uring.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef IORING_SEND_ZC_REPORT_USAGE
#define IORING_SEND_ZC_REPORT_USAGE (1U << 3)
#endif
#ifndef IORING_NOTIF_USAGE_ZC_COPIED
#define IORING_NOTIF_USAGE_ZC_COPIED (1U << 31)
#endif
/* the registered file table: the file, then the socket */
enum { FILE_SLOT = 0, SOCK_SLOT = 1 };
/* how long the end of a SEND_ZC trial waits for its last notifications (pages stay pinned) */
#define URING_ZC_DRAIN_NS 5000000000ull

typedef struct {
  uint64_t off, len;
  uint64_t sent_before; /* c->sent before this piece was planned */
} piece;

static unsigned depth_of(send_ctx *c) {
  unsigned d = c->t->send.uring.depth ? c->t->send.uring.depth : ZC_URING_DEFAULT_DEPTH;
  return d > ZC_URING_MAX_DEPTH ? ZC_URING_MAX_DEPTH : d;
}

/* up to max pieces by next_piece, planned now and sent later */
static unsigned plan(send_ctx *c, piece *p, unsigned max) {
  unsigned n = 0;
  for (uint64_t want; n < max && (want = next_piece(c)) > 0; n++) {
    p[n] = (piece){c->off, want, c->sent};
    c->off += want;
    c->sent += want;
  }
  return n;
}

/* the batch stopped at piece i after k of its bytes: the rest is planned again */
static void unplan(send_ctx *c, const piece *p, uint64_t k) {
  c->off = p->off + k;
  c->sent = p->sent_before + k;
}

/* the next SQE; NULL only when a cancel stopped the wait for room (SQPOLL), recorded */
static struct io_uring_sqe *next_sqe(zc_ring *r) {
  struct io_uring_sqe *s = zc_ring_sqe(r);
  if (!s) zc_error_set(&r->t->err, "ZC_CANCELLED", "cancelled");
  return s;
}

/* a send of len bytes at buf on the registered socket; linked to the next SQE when link */
static void prep_send(struct io_uring_sqe *s, uint8_t op, const void *buf, uint64_t len, int link) {
  s->opcode = op;
  s->fd = SOCK_SLOT;
  s->flags = IOSQE_FIXED_FILE | (link ? IOSQE_IO_LINK : 0);
  s->addr = (uint64_t)(uintptr_t)buf;
  s->len = (uint32_t)len;
  /* a stream socket: the whole piece, or an error (a short send breaks the chain) */
  s->msg_flags = MSG_WAITALL | MSG_NOSIGNAL;
}

static int ring_with_files(zc_ring *r, send_ctx *c, unsigned depth, const uint8_t *ops, int n_ops) {
  if (zc_ring_init(r, c->t, depth, c->t->send.uring.sqpoll, ops, n_ops)) return -1;
  int fds[2] = {c->file_fd, c->sock};
  return zc_ring_register(r, IORING_REGISTER_FILES, fds, 2, "IORING_REGISTER_FILES");
}

/* one CQE's result by user_data index (0..want-1); the count of CQEs reaped. What did
 * not complete (a cancel under SQPOLL stops the wait) reads as cancelled. */
static int reap(zc_ring *r, int *res, unsigned want) {
  for (unsigned i = 0; i < want; i++) res[i] = -ECANCELED;
  if (zc_ring_submit(r, want)) return -1;
  unsigned got = 0;
  for (struct io_uring_cqe *q; got < want && (q = zc_ring_peek(r));) {
    res[q->user_data] = q->res;
    zc_ring_seen(r);
    got++;
  }
  return (int)got;
}

/* the rest of a piece, one SEND at a time: after a short send or a broken chain */
static int send_rest(zc_ring *r, send_ctx *c, const uint8_t *buf, uint64_t len) {
  while (len) {
    if (zc_cancelled(c->t)) return 0;
    struct io_uring_sqe *s = next_sqe(r);
    if (!s) return -1;
    prep_send(s, IORING_OP_SEND, buf, len, 0);
    int res = 0;
    if (reap(r, &res, 1) < 0) return -1;
    if (res < 0) return zc_fail_io(c->t, "io_uring send", -res);
    zc_bump(&c->t->bytes, (uint64_t)res);
    buf += res;
    len -= (uint64_t)res;
  }
  return 0;
}

/* the batch's sends in order: what each moved is counted; a short or cancelled one is finished alone */
static int settle_sends(zc_ring *r, send_ctx *c, const piece *p, const uint8_t *const *bufs, const int *res,
                        unsigned n) {
  for (unsigned i = 0; i < n; i++) {
    if (res[i] < 0 && res[i] != -ECANCELED) return zc_fail_io(c->t, "io_uring send", -res[i]);
    uint64_t done = res[i] > 0 ? (uint64_t)res[i] : 0;
    zc_bump(&c->t->bytes, done);
    if (done < p[i].len && send_rest(r, c, bufs[i] + done, p[i].len - done)) return -1;
  }
  return 0;
}

int zc_send_uring_send(send_ctx *c) {
  unsigned depth = depth_of(c);
  zc_ring r;
  const uint8_t ops[] = {IORING_OP_READ_FIXED, IORING_OP_SEND};
  uint8_t *mem = NULL;
  piece *p = calloc(depth, sizeof *p);
  int *res = calloc(depth, sizeof *res);
  const uint8_t **bufs = calloc(depth, sizeof *bufs);
  struct iovec *iov = calloc(depth, sizeof *iov);
  int rc = -1;
  if (!p || !res || !bufs || !iov) {
    zc_fail_io(c->t, "calloc", ENOMEM);
    goto out_mem;
  }
  if (ring_with_files(&r, c, depth, ops, 2)) goto out;
  mem = zc_buffer_alloc((uint64_t)depth * c->chunk);
  if (!mem) {
    zc_fail_io(c->t, "mmap", ENOMEM);
    goto out;
  }
  for (unsigned i = 0; i < depth; i++) {
    iov[i] = (struct iovec){mem + (uint64_t)i * c->chunk, c->chunk};
    bufs[i] = iov[i].iov_base;
  }
  if (zc_ring_register(&r, IORING_REGISTER_BUFFERS, iov, depth, "IORING_REGISTER_BUFFERS")) goto out;
  for (;;) {
    unsigned n = plan(c, p, depth);
    if (!n) break;
    /* the reads: independent, any order */
    for (unsigned i = 0; i < n; i++) {
      struct io_uring_sqe *s = next_sqe(&r);
      if (!s) goto out;
      s->opcode = IORING_OP_READ_FIXED;
      s->fd = FILE_SLOT;
      s->flags = IOSQE_FIXED_FILE;
      s->addr = (uint64_t)(uintptr_t)bufs[i];
      s->len = (uint32_t)p[i].len;
      s->off = p[i].off;
      s->buf_index = (uint16_t)i;
      s->user_data = i;
    }
    if (reap(&r, res, n) < 0) goto out;
    for (unsigned i = 0; i < n; i++) {
      if (res[i] < 0) {
        zc_fail_io(c->t, "io_uring read", -res[i]);
        goto out;
      }
      if ((uint64_t)res[i] < p[i].len) {
        short_file(c);
        goto out;
      }
    }
    /* the sends: one chain, so they leave in order */
    for (unsigned i = 0; i < n; i++) {
      struct io_uring_sqe *s = next_sqe(&r);
      if (!s) goto out;
      prep_send(s, IORING_OP_SEND, bufs[i], p[i].len, i + 1 < n);
      s->user_data = i;
    }
    if (reap(&r, res, n) < 0) goto out;
    if (settle_sends(&r, c, p, bufs, res, n)) goto out;
  }
  rc = 0;
out:
  zc_ring_record_threads(&r);
  zc_ring_free(&r);
  zc_buffer_free(mem, (uint64_t)depth * c->chunk);
out_mem:
  free(p);
  free(res);
  free(bufs);
  free(iov);
  return rc;
}

/* drains what a short splice left in the pipe: bytes already read from the file */
static int drain_pipe(zc_ring *r, send_ctx *c, int pipe_out, uint64_t len) {
  while (len && !zc_cancelled(c->t)) {
    struct io_uring_sqe *s = next_sqe(r);
    if (!s) return -1;
    s->opcode = IORING_OP_SPLICE;
    s->splice_fd_in = pipe_out;
    s->splice_off_in = (uint64_t)-1;
    s->off = (uint64_t)-1; /* neither end seeks: pipe → socket */
    s->fd = SOCK_SLOT;
    s->flags = IOSQE_FIXED_FILE;
    s->len = (uint32_t)len;
    s->splice_flags = SPLICE_F_MOVE;
    int res = 0;
    if (reap(r, &res, 1) < 0) return -1;
    if (res <= 0) return zc_fail_io(c->t, "io_uring splice", res < 0 ? -res : EPIPE);
    zc_bump(&c->t->bytes, (uint64_t)res);
    len -= (uint64_t)res;
  }
  return 0;
}

int zc_send_uring_splice(send_ctx *c) {
  unsigned depth = depth_of(c);
  if (depth < 2) depth = 2;
  unsigned pairs = depth / 2;
  zc_ring r;
  const uint8_t ops[] = {IORING_OP_SPLICE};
  int pfd[2] = {-1, -1};
  piece *p = calloc(pairs, sizeof *p);
  int *res = calloc(depth, sizeof *res);
  int rc = -1;
  if (!p || !res) {
    zc_fail_io(c->t, "calloc", ENOMEM);
    goto out_mem;
  }
  if (ring_with_files(&r, c, depth, ops, 1)) goto out;
  /* one pipe, holding a piece at a time: its capacity bounds a piece */
  uint64_t chunk = zc_splice_pipe(pfd, c->chunk);
  if (!chunk) {
    zc_fail_io(c->t, "pipe2", errno);
    goto out;
  }
  c->chunk = chunk;
  c->t->effective_chunk_bytes = chunk;
  for (;;) {
    unsigned n = plan(c, p, pairs);
    if (!n) break;
    for (unsigned i = 0; i < n; i++) {
      struct io_uring_sqe *in = next_sqe(&r);
      if (!in) goto out;
      in->opcode = IORING_OP_SPLICE;
      in->splice_fd_in = c->file_fd;
      in->splice_off_in = p[i].off;
      in->off = (uint64_t)-1; /* the pipe end has no offset */
      in->fd = pfd[1];
      in->len = (uint32_t)p[i].len;
      in->splice_flags = SPLICE_F_MOVE;
      in->flags = IOSQE_IO_LINK;
      in->user_data = 2 * i;
      struct io_uring_sqe *out = next_sqe(&r);
      if (!out) goto out;
      out->opcode = IORING_OP_SPLICE;
      out->splice_fd_in = pfd[0];
      out->splice_off_in = (uint64_t)-1;
      out->off = (uint64_t)-1;
      out->fd = SOCK_SLOT;
      out->len = (uint32_t)p[i].len;
      out->splice_flags = SPLICE_F_MOVE;
      out->flags = IOSQE_FIXED_FILE | (i + 1 < n ? IOSQE_IO_LINK : 0);
      out->user_data = 2 * i + 1;
    }
    if (reap(&r, res, 2 * n) < 0) goto out;
    /* in order: a short or failed splice broke the chain there; what follows is planned again */
    for (unsigned i = 0; i < n; i++) {
      int in = res[2 * i], outn = res[2 * i + 1];
      if (in < 0 && in != -ECANCELED) {
        zc_fail_io(c->t, "io_uring splice", -in);
        goto out;
      }
      if (in == 0 && p[i].len > 0) {
        short_file(c);
        goto out;
      }
      if (outn < 0 && outn != -ECANCELED) {
        zc_fail_io(c->t, "io_uring splice", -outn);
        goto out;
      }
      uint64_t into = in > 0 ? (uint64_t)in : 0, sent = outn > 0 ? (uint64_t)outn : 0;
      zc_bump(&c->t->bytes, sent);
      if (into > sent && drain_pipe(&r, c, pfd[0], into - sent)) goto out;
      if (into < p[i].len) {
        unplan(c, &p[i], into);
        break;
      }
    }
  }
  rc = 0;
out:
  zc_ring_record_threads(&r);
  zc_ring_free(&r);
  if (pfd[0] >= 0) close(pfd[0]);
  if (pfd[1] >= 0) close(pfd[1]);
out_mem:
  free(p);
  free(res);
  return rc;
}

unsigned zc_sendzc_cqe_kind(uint32_t flags, int32_t res) {
  if (flags & IORING_CQE_F_NOTIF)
    return ZC_SENDZC_NOTIF | (((uint32_t)res & IORING_NOTIF_USAGE_ZC_COPIED) ? ZC_SENDZC_COPIED : 0);
  /* F_MORE: a notification will follow, when the kernel lets go of the pages */
  return (flags & IORING_CQE_F_MORE) ? ZC_SENDZC_MORE : 0;
}

/* one SEND_ZC completion or notification; -1 (error set) on a failed send */
static int zc_cqe(send_ctx *c, const struct io_uring_cqe *q, int *res) {
  unsigned kind = zc_sendzc_cqe_kind(q->flags, q->res);
  if (kind & ZC_SENDZC_NOTIF) {
    zc_bump(&c->t->zc_completed, 1);
    if (kind & ZC_SENDZC_COPIED) zc_bump(&c->t->zc_copied, 1);
    return 0;
  }
  res[q->user_data] = q->res;
  if (kind & ZC_SENDZC_MORE) zc_bump(&c->t->zc_sends, 1);
  return 1;
}

/* waits until `want` sends have completed, counting notifications as they come */
static int reap_sends(zc_ring *r, send_ctx *c, int *res, unsigned want) {
  for (unsigned i = 0; i < want; i++) res[i] = -ECANCELED;
  unsigned got = 0;
  while (got < want) {
    if (zc_ring_submit(r, 1)) return -1;
    for (struct io_uring_cqe *q; (q = zc_ring_peek(r));) {
      got += (unsigned)zc_cqe(c, q, res);
      zc_ring_seen(r);
    }
    if (zc_cancelled(c->t) && got < want && r->sqpoll) return 0;
  }
  return 0;
}

int zc_send_uring_send_zc(send_ctx *c) {
  unsigned depth = depth_of(c);
  zc_ring r;
  const uint8_t ops[] = {IORING_OP_SEND_ZC};
  piece *p = calloc(depth, sizeof *p);
  /* a send's completion and its notification: room for both in the CQ ring (twice the SQ's) */
  int *res = calloc(depth, sizeof *res);
  int rc = -1;
  if (!p || !res) {
    zc_fail_io(c->t, "calloc", ENOMEM);
    goto out_mem;
  }
  if (ring_with_files(&r, c, depth, ops, 1)) goto out;
  for (;;) {
    unsigned n = plan(c, p, depth);
    if (!n) break;
    for (unsigned i = 0; i < n; i++) {
      struct io_uring_sqe *s = next_sqe(&r);
      if (!s) goto out;
      prep_send(s, IORING_OP_SEND_ZC, c->map + p[i].off, p[i].len, i + 1 < n);
      s->ioprio = IORING_SEND_ZC_REPORT_USAGE;
      s->user_data = i;
    }
    if (reap_sends(&r, c, res, n)) goto out;
    for (unsigned i = 0; i < n; i++) {
      if (res[i] == -EOPNOTSUPP || res[i] == -EINVAL) {
        zc_error_unsupported(&c->t->err, NULL, -res[i],
                             "IORING_OP_SEND_ZC refused this socket (it needs TCP or UDP): use uring-send on unix sockets");
        goto out;
      }
      if (res[i] < 0 && res[i] != -ECANCELED) {
        zc_fail_io(c->t, "io_uring send_zc", -res[i]);
        goto out;
      }
      uint64_t done = res[i] > 0 ? (uint64_t)res[i] : 0;
      zc_bump(&c->t->bytes, done);
      if (done < p[i].len && send_rest(&r, c, c->map + p[i].off + done, p[i].len - done)) goto out;
    }
  }
  rc = 0;
out:
  /* the pages stay pinned until every notification is back: wait for them before unmapping */
  {
    uint64_t deadline = zc_now_ns() + URING_ZC_DRAIN_NS;
    while (atomic_load(&c->t->zc_completed) < atomic_load(&c->t->zc_sends) && !zc_cancelled(c->t) &&
           zc_now_ns() < deadline && r.fd >= 0) {
      if (zc_ring_submit(&r, 1)) break;
      for (struct io_uring_cqe *q; (q = zc_ring_peek(&r));) {
        zc_cqe(c, q, res);
        zc_ring_seen(&r);
      }
    }
  }
  zc_ring_record_threads(&r);
  zc_ring_free(&r);
out_mem:
  free(p);
  free(res);
  return rc;
}
