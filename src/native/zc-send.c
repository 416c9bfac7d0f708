/*
 * Sender: one loop per method, chosen from a table. Every data syscall the loop
 * makes is counted by name so that the figures can be checked against strace.
 */
#define _GNU_SOURCE
#include "zc-send.h"

/* MSG_ZEROCOPY: sends in flight before completions are reaped, how long one wait for a
 * completion lasts, and how long the end of a trial waits for the last of them (the
 * pages stay pinned until then) */
#define ZC_MAX_OUTSTANDING_ZC_SENDS 256
#define ZC_COMPLETION_WAIT_MS 100
#define ZC_COMPLETION_DRAIN_NS 5000000000ull

#include <errno.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY 60
#endif
#ifndef MSG_ZEROCOPY
#define MSG_ZEROCOPY 0x4000000
#endif
#ifndef SO_EE_ORIGIN_ZEROCOPY
#define SO_EE_ORIGIN_ZEROCOPY 5
#endif
#ifndef SO_EE_CODE_ZEROCOPY_COPIED
#define SO_EE_CODE_ZEROCOPY_COPIED 1
#endif

/* write() all of buf, counting each call */
static int write_all(send_ctx *c, const uint8_t *buf, uint64_t len) {
  while (len) {
    ssize_t n = write(c->sock, buf, len);
    ZC_LOOP_CALL(c->t, ZC_SYS_WRITE);
    if (n < 0) {
      if (errno == EINTR) continue;
      return zc_fail_io(c->t, "write", errno);
    }
    moved(c, (uint64_t)n);
    buf += n;
    len -= (uint64_t)n;
  }
  return 0;
}

static int send_copy(send_ctx *c) {
  uint8_t *buf = zc_buffer_alloc(c->chunk);
  if (!buf) return zc_fail_io(c->t, "mmap", ENOMEM);
  int rc = 0;
  for (uint64_t want; (want = next_piece(c)) > 0;) {
    if (c->rewound) {
      /* copy re-reads the file: back to its start, one counted call */
      off_t r = lseek(c->file_fd, 0, SEEK_SET);
      ZC_LOOP_CALL(c->t, ZC_SYS_LSEEK);
      if (r < 0) {
        rc = zc_fail_io(c->t, "lseek", errno);
        break;
      }
    }
    ssize_t n = read(c->file_fd, buf, want);
    ZC_LOOP_CALL(c->t, ZC_SYS_READ);
    if (n < 0) {
      if (errno == EINTR) continue;
      rc = zc_fail_io(c->t, "read", errno);
      break;
    }
    if (n == 0) {
      rc = short_file(c);
      break;
    }
    if ((rc = write_all(c, buf, (uint64_t)n))) break;
    c->off += (uint64_t)n;
  }
  zc_buffer_free(buf, c->chunk);
  return rc;
}

/* mmap reuses its mapping on every pass */
static int send_mmap(send_ctx *c) {
  for (uint64_t want; (want = next_piece(c)) > 0; c->off += want)
    if (write_all(c, c->map + c->off, want)) return -1;
  return 0;
}

static int send_sendfile(send_ctx *c) {
  for (uint64_t want; (want = next_piece(c)) > 0;) {
    off_t off = (off_t)c->off;
    ssize_t n = sendfile(c->sock, c->file_fd, &off, want);
    ZC_LOOP_CALL(c->t, ZC_SYS_SENDFILE);
    if (n < 0) {
      if (errno == EINTR) continue;
      return zc_fail_io(c->t, "sendfile", errno);
    }
    if (n == 0) return short_file(c);
    moved(c, (uint64_t)n);
    c->off += (uint64_t)n;
  }
  return 0;
}

static int send_splice(send_ctx *c) {
  int p[2];
  /* the pipe's capacity bounds one splice */
  uint64_t chunk = zc_splice_pipe(p, c->chunk);
  if (!chunk) return zc_fail_io(c->t, "pipe2", errno);
  c->chunk = chunk;
  c->t->effective_chunk_bytes = c->chunk;
  int rc = 0;
  for (uint64_t want; (want = next_piece(c)) > 0;) {
    loff_t off = (loff_t)c->off;
    ssize_t in = splice(c->file_fd, &off, p[1], NULL, want, SPLICE_F_MOVE | SPLICE_F_MORE);
    ZC_LOOP_CALL(c->t, ZC_SYS_SPLICE);
    if (in < 0) {
      if (errno == EINTR) continue;
      rc = zc_fail_io(c->t, "splice", errno);
      break;
    }
    if (in == 0) {
      rc = short_file(c);
      break;
    }
    c->off += (uint64_t)in;
    while (in > 0) {
      ssize_t out = splice(p[0], NULL, c->sock, NULL, (size_t)in, SPLICE_F_MOVE | SPLICE_F_MORE);
      ZC_LOOP_CALL(c->t, ZC_SYS_SPLICE);
      if (out < 0) {
        if (errno == EINTR) continue;
        rc = zc_fail_io(c->t, "splice", errno);
        goto done;
      }
      moved(c, (uint64_t)out);
      in -= out;
    }
  }
done:
  close(p[0]);
  close(p[1]);
  return rc;
}

/* Reads MSG_ZEROCOPY completions; returns how many arrived, -1 on error. */
static int reap_completions(send_ctx *c) {
  int got = 0;
  for (;;) {
    char control[128];
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    /* the error queue never blocks: EAGAIN when empty */
    ssize_t r = recvmsg(c->sock, &msg, MSG_ERRQUEUE);
    ZC_LOOP_CALL(c->t, ZC_SYS_RECVMSG);
    if (r < 0) {
      if (errno == EAGAIN || errno == EINTR) return got;
      return -1;
    }
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
      if (!((cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_RECVERR) ||
            (cm->cmsg_level == SOL_IPV6 && cm->cmsg_type == IPV6_RECVERR)))
        continue;
      struct sock_extended_err *ee = (struct sock_extended_err *)CMSG_DATA(cm);
      if (ee->ee_errno != 0 || ee->ee_origin != SO_EE_ORIGIN_ZEROCOPY) continue;
      /* one notification covers the send calls numbered ee_info..ee_data */
      uint64_t n = (uint64_t)(ee->ee_data - ee->ee_info) + 1;
      zc_bump(&c->t->zc_completed, n);
      if (ee->ee_code & SO_EE_CODE_ZEROCOPY_COPIED) zc_bump(&c->t->zc_copied, n);
      got += (int)n;
    }
  }
}

static uint64_t outstanding(zc_transfer *t) {
  return atomic_load_explicit(&t->zc_sends, memory_order_relaxed) -
         atomic_load_explicit(&t->zc_completed, memory_order_relaxed);
}

/* Blocks until a completion is queued (POLLERR) or the deadline passes. */
static int wait_completion(send_ctx *c, int timeout_ms) {
  struct pollfd p = {c->sock, 0, 0};
  int r = poll(&p, 1, timeout_ms);
  ZC_LOOP_CALL(c->t, ZC_SYS_POLL);
  return r;
}

static int send_msg_zerocopy(send_ctx *c) {
  int one = 1;
  if (setsockopt(c->sock, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof one) < 0) {
    char msg[200];
    snprintf(msg, sizeof msg, "this socket or kernel does not support MSG_ZEROCOPY (SO_ZEROCOPY: %s)",
             strerror(errno));
    return zc_error_unsupported(&c->t->err, "setsockopt", errno, msg);
  }
  /* completions are reaped in batches: one recvmsg per batch instead of per send */
  const uint64_t max_outstanding = ZC_MAX_OUTSTANDING_ZC_SENDS;
  for (uint64_t want; (want = next_piece(c)) > 0;) {
    if (outstanding(c->t) >= max_outstanding && reap_completions(c) == 0) wait_completion(c, ZC_COMPLETION_WAIT_MS);
    ssize_t n = send(c->sock, c->map + c->off, want, MSG_ZEROCOPY | MSG_NOSIGNAL);
    ZC_LOOP_CALL(c->t, ZC_SYS_SENDTO);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == ENOBUFS) {
        /* optmem is full of pending notifications: drain some, then retry */
        if (reap_completions(c) == 0) wait_completion(c, ZC_COMPLETION_WAIT_MS);
        continue;
      }
      return zc_fail_io(c->t, "send", errno);
    }
    zc_bump(&c->t->zc_sends, 1);
    moved(c, (uint64_t)n);
    c->off += (uint64_t)n;
  }
  /* the pages stay pinned until every notification has come back */
  uint64_t deadline = zc_now_ns() + ZC_COMPLETION_DRAIN_NS;
  while (outstanding(c->t) > 0 && !zc_cancelled(c->t) && zc_now_ns() < deadline) {
    if (reap_completions(c) < 0) break;
    if (outstanding(c->t) > 0) wait_completion(c, ZC_COMPLETION_WAIT_MS);
  }
  return 0;
}

typedef int (*send_fn)(send_ctx *);
static const struct {
  send_fn run;
  int needs_map;
  int gpu; /* the target is a GPU: the method opens it and times itself */
} methods[ZC_METHOD_COUNT] = {
    [ZC_METHOD_COPY] = {send_copy, 0},
    [ZC_METHOD_MMAP] = {send_mmap, 1},
    [ZC_METHOD_SENDFILE] = {send_sendfile, 0},
    [ZC_METHOD_SPLICE] = {send_splice, 0},
    [ZC_METHOD_MSG_ZEROCOPY] = {send_msg_zerocopy, 1},
    [ZC_METHOD_URING_SEND] = {zc_send_uring_send, 0},
    [ZC_METHOD_URING_SPLICE] = {zc_send_uring_splice, 0},
    [ZC_METHOD_URING_SEND_ZC] = {zc_send_uring_send_zc, 1},
    /* into GPU memory: no socket; zc_send_gpu opens the device instead */
    [ZC_METHOD_GPU_COPY] = {zc_send_gpu, 0, 1},
    [ZC_METHOD_GPU_PINNED] = {zc_send_gpu, 0, 1},
    [ZC_METHOD_GPU_REGISTER] = {zc_send_gpu, 1, 1},
    [ZC_METHOD_GPU_MAPPED] = {zc_send_gpu, 1, 1},
    [ZC_METHOD_GPU_CUFILE] = {zc_send_gpu, 0, 1},
    [ZC_METHOD_GPU_MEM_PAGEABLE] = {zc_send_gpu, 0, 1},
    [ZC_METHOD_GPU_MEM_PINNED] = {zc_send_gpu, 0, 1},
};

/*
 * After our EOF, wait for the receiver to close: that moment is "last byte
 * confirmed" on any peer, local or remote, without comparing two clocks.
 */
static void wait_confirm(send_ctx *c) {
  if (shutdown(c->sock, SHUT_WR) < 0) return;
  uint64_t deadline = zc_now_ns() + (uint64_t)c->t->send.confirm_timeout_ms * ZC_NS_PER_MS;
  char buf[256];
  while (!zc_cancelled(c->t) && zc_now_ns() < deadline) {
    struct pollfd p = {c->sock, POLLIN, 0};
    int r = poll(&p, 1, ZC_POLL_SLICE_MS);
    ZC_LOOP_CALL(c->t, ZC_SYS_POLL);
    if (r < 0 && errno != EINTR) return;
    if (r <= 0) continue;
    ssize_t n = read(c->sock, buf, sizeof buf);
    ZC_LOOP_CALL(c->t, ZC_SYS_READ);
    if (n == 0 || (n < 0 && errno == ECONNRESET)) {
      c->t->confirmed_ns = zc_now_ns();
      c->t->peer_confirmed = 1;
      return;
    }
    if (n < 0 && errno != EINTR) return;
  }
}

/* the data connection's local port: the receiver sees it as its peer's, so the two pair up */
static int local_port(int fd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  return getsockname(fd, (struct sockaddr *)&ss, &len) < 0 ? 0 : zc_sockaddr_port(&ss);
}

void zc_run_sender(zc_transfer *t) {
  zc_sender_config *cfg = &t->send;
  send_ctx c = {.t = t, .file_fd = -1, .sock = -1, .chunk = cfg->chunk_bytes ? cfg->chunk_bytes : ZC_DEFAULT_CHUNK_BYTES};
  c.loop = cfg->loop;
  c.limit = cfg->limit_bytes;
  t->effective_chunk_bytes = c.chunk;
  void *map = MAP_FAILED;

  if (cfg->loop && !cfg->limit_bytes && !cfg->duration_ns) {
    zc_error_set(&t->err, "ZC_BAD_ARGUMENT", "a looped trial needs a byte limit or a duration");
    return;
  }
  c.file_fd = open(cfg->file, O_RDONLY | O_CLOEXEC);
  if (c.file_fd < 0) {
    zc_error_set_errno(&t->err, "open", errno, "cannot open the file to send");
    return;
  }
  struct stat st;
  if (fstat(c.file_fd, &st) < 0) {
    zc_error_set_errno(&t->err, "fstat", errno, "cannot stat the file to send");
    goto out;
  }
  if (!S_ISREG(st.st_mode)) {
    zc_error_set(&t->err, "ZC_NOT_A_FILE", "the path to send is not a regular file");
    goto out;
  }
  c.size = (uint64_t)st.st_size;
  t->file_bytes = c.size;
  if (cfg->loop && c.size == 0) {
    zc_error_set(&t->err, "ZC_EMPTY_FILE", "an empty file cannot be sent for a duration or a byte count");
    goto out;
  }
  if (methods[cfg->method].needs_map && c.size > 0) {
    map = mmap(NULL, c.size, PROT_READ, MAP_SHARED, c.file_fd, 0);
    if (map == MAP_FAILED) {
      zc_error_set_errno(&t->err, "mmap", errno, "cannot map the file");
      goto out;
    }
    madvise(map, c.size, MADV_SEQUENTIAL);
    c.map = map;
  }
  if (methods[cfg->method].gpu) {
    zc_send_gpu(&c);
    goto out;
  }
  if (zc_connect(&cfg->target, cfg->connect_timeout_ms, &t->cancel, &t->calls[ZC_SYS_POLL], &c.sock, &t->err))
    goto out;
  zc_transfer_set_sock(t, c.sock);
  t->local_port = local_port(c.sock);
  atomic_store(&t->phase, ZC_PHASE_CONNECTED);
  /* the throughput clock starts at the first send, after open/map/connect; so does a duration */
  uint64_t first = zc_now_ns();
  atomic_store(&t->first_byte_ns, first);
  atomic_store(&t->phase, ZC_PHASE_MOVING);
  if (cfg->duration_ns) c.deadline_ns = first + cfg->duration_ns;

  if (methods[cfg->method].run(&c) == 0) {
    if (zc_cancelled(t)) zc_error_set(&t->err, "ZC_CANCELLED", "cancelled");
    else wait_confirm(&c);
  }
  atomic_store(&t->last_byte_ns, zc_now_ns());
  if (cfg->target.family != ZC_FAMILY_UNIX) zc_tcp_info_read(c.sock, &t->tcp);
out:
  if (map != MAP_FAILED) munmap(map, c.size);
  if (c.file_fd >= 0) close(c.file_fd);
}
