/*
 * The io_uring sending methods. Each plans a batch of pieces by the same next_piece
 * rule as the other methods, hands the batch to the kernel in one submission, and
 * reaps it. Sends on one stream socket must leave in order, so a batch's sends are
 * one linked chain; a piece the chain did not finish is sent again, alone, in order.
 * The three share one loop (run_batches); each says, as a batch_kind, how a piece
 * becomes SQEs and what the completions mean.
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
/* the SQEs one piece takes at most: a splice's pair (file → pipe, pipe → socket) */
#define MAX_SQES_PER_PIECE 2

typedef struct {
  uint64_t off, len;
  uint64_t sent_before; /* c->sent before this piece was planned */
} piece;

/* one method's ring, the batch of pieces it plans and each SQE's result (by user_data) */
typedef struct {
  send_ctx *c;
  zc_ring r;
  int ring_set;               /* zc_ring_init was tried: r is to be recorded and freed */
  piece *p;
  int *res;
  unsigned max;               /* pieces in a batch, at most */
  int zero_copy;              /* SEND_ZC from the file's mapping */
  const uint8_t *const *bufs; /* uring-send: piece i's registered buffer */
  int pipe[2];                /* uring-splice: file → pipe → socket */
} batch;

/* how a method turns a batch's pieces into SQEs and reads what they did */
typedef struct {
  unsigned sqes_per_piece;
  /* fills piece i's SQEs; last: no piece follows it in this batch */
  void (*prep)(const batch *b, unsigned i, struct io_uring_sqe *const *s, int last);
  /* submits, and waits for `want` results in res; -1 (error set) on failure */
  int (*reap)(batch *b, unsigned want);
  /* what the batch's n pieces did: 0 to go on, -1 (error set) to stop */
  int (*settle)(batch *b, unsigned n);
} batch_kind;

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

/* where piece i's bytes are in memory */
static const uint8_t *piece_buf(const batch *b, unsigned i) {
  return b->bufs ? b->bufs[i] : b->c->map + b->p[i].off;
}

/* pieces and results for batches of up to max pieces, and a ring of depth SQEs with the
 * file and the socket registered; 0, or -1 with the error recorded (batch_close either way) */
static int batch_open(batch *b, send_ctx *c, unsigned depth, unsigned max, const uint8_t *ops, int n_ops) {
  memset(b, 0, sizeof *b);
  b->c = c;
  b->max = max;
  b->r.fd = -1;
  b->pipe[0] = b->pipe[1] = -1;
  b->p = calloc(max, sizeof *b->p);
  b->res = calloc(depth, sizeof *b->res);
  if (!b->p || !b->res) return zc_fail_io(c->t, "calloc", ENOMEM);
  b->ring_set = 1;
  if (zc_ring_init(&b->r, c->t, depth, c->t->send.uring.sqpoll, ops, n_ops)) return -1;
  int fds[2] = {c->file_fd, c->sock};
  return zc_ring_register(&b->r, IORING_REGISTER_FILES, fds, 2, "IORING_REGISTER_FILES");
}

static void batch_close(batch *b) {
  if (b->ring_set) {
    zc_ring_record_threads(&b->r);
    zc_ring_free(&b->r);
  }
  if (b->pipe[0] >= 0) close(b->pipe[0]);
  if (b->pipe[1] >= 0) close(b->pipe[1]);
  free(b->p);
  free(b->res);
}

/* one CQE's result by user_data index (0..want-1); the count of CQEs reaped. What did
 * not complete (a cancel under SQPOLL stops the wait) reads as cancelled. A CQE whose
 * index is past want is not this wait's (res has want slots): never written through. */
static int reap(zc_ring *r, int *res, unsigned want) {
  for (unsigned i = 0; i < want; i++) res[i] = -ECANCELED;
  if (zc_ring_submit(r, want)) return -1;
  unsigned got = 0;
  for (struct io_uring_cqe *q; got < want && (q = zc_ring_peek(r));) {
    if (q->user_data < want) {
      res[q->user_data] = q->res;
      got++;
    }
    zc_ring_seen(r);
  }
  return (int)got;
}

/* the batch's results, as a batch_kind reaps them */
static int reap_batch(batch *b, unsigned want) {
  return reap(&b->r, b->res, want) < 0 ? -1 : 0;
}

/* queues the batch's n pieces (user_data: their SQEs' index), hands them to the kernel
 * in one submission and reaps what they did */
static int submit_batch(batch *b, const batch_kind *k, unsigned n) {
  for (unsigned i = 0; i < n; i++) {
    struct io_uring_sqe *s[MAX_SQES_PER_PIECE];
    for (unsigned j = 0; j < k->sqes_per_piece; j++) {
      if (!(s[j] = next_sqe(&b->r))) return -1;
      s[j]->user_data = k->sqes_per_piece * i + j;
    }
    k->prep(b, i, s, i + 1 == n);
  }
  return k->reap(b, k->sqes_per_piece * n);
}

/* every method's loop: a batch planned, sent and settled, until the plan is done */
static int run_batches(batch *b, const batch_kind *k) {
  for (unsigned n; (n = plan(b->c, b->p, b->max));)
    if (submit_batch(b, k, n) || k->settle(b, n)) return -1;
  return 0;
}

/* one SEND at a time, on its own: the rest of a piece after a short send or a broken chain */
static int reap_sends(batch *b, unsigned want);

static int send_rest(batch *b, const uint8_t *buf, uint64_t len) {
  send_ctx *c = b->c;
  while (len) {
    if (zc_cancelled(c->t)) return 0;
    struct io_uring_sqe *s = next_sqe(&b->r);
    if (!s) return -1;
    prep_send(s, IORING_OP_SEND, buf, len, 0);
    int res = 0;
    if (b->zero_copy) {
      /* the batch's earlier SEND_ZCs may still send notifications (with their own
       * user_data): reap_sends counts those and waits for this send's own completion,
       * which it leaves in res[0] (piece 0's result, already settled) */
      if (reap_sends(b, 1)) return -1;
      res = b->res[0];
    } else if (reap(&b->r, &res, 1) < 0) {
      return -1;
    }
    if (res < 0) return zc_fail_io(c->t, "io_uring send", -res);
    zc_bump(&c->t->bytes, (uint64_t)res);
    buf += res;
    len -= (uint64_t)res;
  }
  return 0;
}

/* the batch's sends in order: what each moved is counted; a short or cancelled one is
 * finished alone */
static int settle_sends(batch *b, unsigned n) {
  send_ctx *c = b->c;
  for (unsigned i = 0; i < n; i++) {
    int res = b->res[i];
    if (b->zero_copy && (res == -EOPNOTSUPP || res == -EINVAL))
      return zc_error_unsupported(&c->t->err, NULL, -res,
                                  "IORING_OP_SEND_ZC refused this socket (it needs TCP or UDP): use uring-send on unix "
                                  "sockets");
    if (res < 0 && res != -ECANCELED) return zc_fail_io(c->t, b->zero_copy ? "io_uring send_zc" : "io_uring send", -res);
    uint64_t done = res > 0 ? (uint64_t)res : 0;
    zc_bump(&c->t->bytes, done);
    if (done < b->p[i].len && send_rest(b, piece_buf(b, i) + done, b->p[i].len - done)) return -1;
  }
  return 0;
}

/* the sends of uring-send: one chain, so they leave in order */
static void prep_fixed_send(const batch *b, unsigned i, struct io_uring_sqe *const *s, int last) {
  prep_send(s[0], IORING_OP_SEND, b->bufs[i], b->p[i].len, !last);
}

static const batch_kind fixed_sends = {1, prep_fixed_send, reap_batch, settle_sends};

/* the reads of uring-send: independent, any order */
static void prep_read(const batch *b, unsigned i, struct io_uring_sqe *const *s, int last) {
  struct io_uring_sqe *q = s[0];
  q->opcode = IORING_OP_READ_FIXED;
  q->fd = FILE_SLOT;
  q->flags = IOSQE_FIXED_FILE;
  q->addr = (uint64_t)(uintptr_t)b->bufs[i];
  q->len = (uint32_t)b->p[i].len;
  q->off = b->p[i].off;
  q->buf_index = (uint16_t)i;
}

/* the batch read whole into its buffers: then sent, as a second submission */
static int settle_reads(batch *b, unsigned n) {
  for (unsigned i = 0; i < n; i++) {
    if (b->res[i] < 0) return zc_fail_io(b->c->t, "io_uring read", -b->res[i]);
    if ((uint64_t)b->res[i] < b->p[i].len) return short_file(b->c);
  }
  return submit_batch(b, &fixed_sends, n) || settle_sends(b, n) ? -1 : 0;
}

static const batch_kind fixed_reads = {1, prep_read, reap_batch, settle_reads};

int zc_send_uring_send(send_ctx *c) {
  unsigned depth = depth_of(c);
  const uint8_t ops[] = {IORING_OP_READ_FIXED, IORING_OP_SEND};
  batch b;
  uint8_t *mem = NULL;
  const uint8_t **bufs = NULL;
  struct iovec *iov = NULL;
  int rc = -1;
  if (batch_open(&b, c, depth, depth, ops, 2)) goto out;
  bufs = calloc(depth, sizeof *bufs);
  iov = calloc(depth, sizeof *iov);
  if (!bufs || !iov) {
    zc_fail_io(c->t, "calloc", ENOMEM);
    goto out;
  }
  mem = zc_buffer_alloc((uint64_t)depth * c->chunk);
  if (!mem) {
    zc_fail_io(c->t, "mmap", ENOMEM);
    goto out;
  }
  for (unsigned i = 0; i < depth; i++) {
    iov[i] = (struct iovec){mem + (uint64_t)i * c->chunk, c->chunk};
    bufs[i] = iov[i].iov_base;
  }
  b.bufs = bufs;
  if (zc_ring_register(&b.r, IORING_REGISTER_BUFFERS, iov, depth, "IORING_REGISTER_BUFFERS")) goto out;
  rc = run_batches(&b, &fixed_reads);
out:
  batch_close(&b);
  zc_buffer_free(mem, (uint64_t)depth * c->chunk);
  free(bufs);
  free(iov);
  return rc;
}

/* drains what a short splice left in the pipe: bytes already read from the file */
static int drain_pipe(batch *b, uint64_t len) {
  send_ctx *c = b->c;
  while (len && !zc_cancelled(c->t)) {
    struct io_uring_sqe *s = next_sqe(&b->r);
    if (!s) return -1;
    s->opcode = IORING_OP_SPLICE;
    s->splice_fd_in = b->pipe[0];
    s->splice_off_in = (uint64_t)-1;
    s->off = (uint64_t)-1; /* neither end seeks: pipe → socket */
    s->fd = SOCK_SLOT;
    s->flags = IOSQE_FIXED_FILE;
    s->len = (uint32_t)len;
    s->splice_flags = SPLICE_F_MOVE;
    int res = 0;
    if (reap(&b->r, &res, 1) < 0) return -1;
    if (res <= 0) return zc_fail_io(c->t, "io_uring splice", res < 0 ? -res : EPIPE);
    zc_bump(&c->t->bytes, (uint64_t)res);
    len -= (uint64_t)res;
  }
  return 0;
}

/* piece i as a linked pair, file → pipe → socket; the batch's pairs are one chain */
static void prep_splice_pair(const batch *b, unsigned i, struct io_uring_sqe *const *s, int last) {
  struct io_uring_sqe *in = s[0], *out = s[1];
  in->opcode = IORING_OP_SPLICE;
  in->splice_fd_in = b->c->file_fd;
  in->splice_off_in = b->p[i].off;
  in->off = (uint64_t)-1; /* the pipe end has no offset */
  in->fd = b->pipe[1];
  in->len = (uint32_t)b->p[i].len;
  in->splice_flags = SPLICE_F_MOVE;
  in->flags = IOSQE_IO_LINK;
  out->opcode = IORING_OP_SPLICE;
  out->splice_fd_in = b->pipe[0];
  out->splice_off_in = (uint64_t)-1;
  out->off = (uint64_t)-1;
  out->fd = SOCK_SLOT;
  out->len = (uint32_t)b->p[i].len;
  out->splice_flags = SPLICE_F_MOVE;
  out->flags = IOSQE_FIXED_FILE | (last ? 0 : IOSQE_IO_LINK);
}

/* in order: a short or failed splice broke the chain there; what follows is planned again */
static int settle_splices(batch *b, unsigned n) {
  send_ctx *c = b->c;
  for (unsigned i = 0; i < n; i++) {
    int in = b->res[2 * i], outn = b->res[2 * i + 1];
    if (in < 0 && in != -ECANCELED) return zc_fail_io(c->t, "io_uring splice", -in);
    if (in == 0 && b->p[i].len > 0) return short_file(c);
    if (outn < 0 && outn != -ECANCELED) return zc_fail_io(c->t, "io_uring splice", -outn);
    uint64_t into = in > 0 ? (uint64_t)in : 0, sent = outn > 0 ? (uint64_t)outn : 0;
    zc_bump(&c->t->bytes, sent);
    if (into > sent && drain_pipe(b, into - sent)) return -1;
    if (into < b->p[i].len) {
      unplan(c, &b->p[i], into);
      break;
    }
  }
  return 0;
}

static const batch_kind splice_pairs = {2, prep_splice_pair, reap_batch, settle_splices};

int zc_send_uring_splice(send_ctx *c) {
  unsigned depth = depth_of(c);
  if (depth < 2) depth = 2;
  const uint8_t ops[] = {IORING_OP_SPLICE};
  batch b;
  int rc = -1;
  if (batch_open(&b, c, depth, depth / 2, ops, 1)) goto out;
  /* one pipe, holding a piece at a time: its capacity bounds a piece */
  uint64_t chunk = zc_splice_pipe(b.pipe, c->chunk);
  if (!chunk) {
    zc_fail_io(c->t, "pipe2", errno);
    goto out;
  }
  c->chunk = chunk;
  c->t->effective_chunk_bytes = chunk;
  rc = run_batches(&b, &splice_pairs);
out:
  batch_close(&b);
  return rc;
}

unsigned zc_sendzc_cqe_kind(uint32_t flags, int32_t res) {
  if (flags & IORING_CQE_F_NOTIF)
    return ZC_SENDZC_NOTIF | (((uint32_t)res & IORING_NOTIF_USAGE_ZC_COPIED) ? ZC_SENDZC_COPIED : 0);
  /* F_MORE: a notification will follow, when the kernel lets go of the pages */
  return (flags & IORING_CQE_F_MORE) ? ZC_SENDZC_MORE : 0;
}

/* the SEND_ZC completions and notifications queued now: notifications counted, sends'
 * results in res; how many sends completed */
static unsigned take_zc_cqes(batch *b) {
  send_ctx *c = b->c;
  unsigned sends = 0;
  for (struct io_uring_cqe *q; (q = zc_ring_peek(&b->r));) {
    unsigned kind = zc_sendzc_cqe_kind(q->flags, q->res);
    if (kind & ZC_SENDZC_NOTIF) {
      zc_bump(&c->t->zc_completed, 1);
      if (kind & ZC_SENDZC_COPIED) zc_bump(&c->t->zc_copied, 1);
    } else {
      b->res[q->user_data] = q->res;
      if (kind & ZC_SENDZC_MORE) zc_bump(&c->t->zc_sends, 1);
      sends++;
    }
    zc_ring_seen(&b->r);
  }
  return sends;
}

/* waits until `want` sends have completed, counting notifications as they come */
static int reap_sends(batch *b, unsigned want) {
  for (unsigned i = 0; i < want; i++) b->res[i] = -ECANCELED;
  unsigned got = 0;
  while (got < want) {
    if (zc_ring_submit(&b->r, 1)) return -1;
    got += take_zc_cqes(b);
    if (zc_cancelled(b->c->t) && got < want && b->r.sqpoll) return 0;
  }
  return 0;
}

static void prep_send_zc(const batch *b, unsigned i, struct io_uring_sqe *const *s, int last) {
  prep_send(s[0], IORING_OP_SEND_ZC, piece_buf(b, i), b->p[i].len, !last);
  s[0]->ioprio = IORING_SEND_ZC_REPORT_USAGE;
}

static const batch_kind zc_sends = {1, prep_send_zc, reap_sends, settle_sends};

int zc_send_uring_send_zc(send_ctx *c) {
  unsigned depth = depth_of(c);
  const uint8_t ops[] = {IORING_OP_SEND_ZC};
  batch b;
  int rc = -1;
  /* a send's completion and its notification: room for both in the CQ ring (twice the SQ's) */
  if (batch_open(&b, c, depth, depth, ops, 1) == 0) {
    b.zero_copy = 1;
    rc = run_batches(&b, &zc_sends);
  }
  /* the pages stay pinned until every notification is back: wait for them before unmapping */
  uint64_t deadline = zc_now_ns() + URING_ZC_DRAIN_NS;
  while (atomic_load(&c->t->zc_completed) < atomic_load(&c->t->zc_sends) && !zc_cancelled(c->t) &&
         zc_now_ns() < deadline && b.r.fd >= 0) {
    if (zc_ring_submit(&b.r, 1)) break;
    take_zc_cqes(&b);
  }
  batch_close(&b);
  return rc;
}
