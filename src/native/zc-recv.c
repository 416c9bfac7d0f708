/*
 * Receiver: accepts one connection on a caller-owned listening socket and drains
 * it until EOF. With checksum on, every mode still runs its own syscalls and
 * additionally brings the bytes to user space to hash them (stated in reports).
 */
#define _GNU_SOURCE
#include "zc-recv.h"

#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* returns bytes, 0 at EOF, -1 on error (already recorded) */
static ssize_t read_some(recv_ctx *c, int fd, int sys_index, const char *sys) {
  for (;;) {
    ssize_t n = read(fd, c->buf, c->buf_bytes);
    ZC_LOOP_CALL(c->t, sys_index);
    if (n >= 0) return n;
    if (errno != EINTR) return zc_fail_io(c->t, sys, errno);
  }
}

static int recv_read(recv_ctx *c) {
  for (;;) {
    ssize_t n = read_some(c, c->sock, ZC_SYS_READ, "read");
    if (n <= 0) return (int)n;
    if (c->checksum) c->crc = zc_crc32c(c->crc, c->buf, (size_t)n);
    if (got(c, (uint64_t)n)) return -1;
  }
}

static int recv_splice(recv_ctx *c) {
  int p[2], rc = 0;
  uint64_t chunk = zc_splice_pipe(p, c->buf_bytes);
  if (!chunk) return zc_fail_io(c->t, "pipe2", errno);
  c->t->effective_chunk_bytes = chunk;
  int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (devnull < 0) {
    rc = zc_fail_io(c->t, "open", errno);
    goto out;
  }
  for (;;) {
    ssize_t in = splice(c->sock, NULL, p[1], NULL, chunk, SPLICE_F_MOVE | SPLICE_F_MORE);
    ZC_LOOP_CALL(c->t, ZC_SYS_SPLICE);
    if (in < 0) {
      if (errno == EINTR) continue;
      rc = zc_fail_io(c->t, "splice", errno);
      break;
    }
    if (in == 0) break;
    while (in > 0) {
      ssize_t out;
      if (c->checksum) {
        out = read(p[0], c->buf, (size_t)in < c->buf_bytes ? (size_t)in : c->buf_bytes);
        ZC_LOOP_CALL(c->t, ZC_SYS_READ);
        if (out > 0) c->crc = zc_crc32c(c->crc, c->buf, (size_t)out);
      } else {
        out = splice(p[0], NULL, devnull, NULL, (size_t)in, SPLICE_F_MOVE);
        ZC_LOOP_CALL(c->t, ZC_SYS_SPLICE);
      }
      if (out < 0) {
        if (errno == EINTR) continue;
        rc = zc_fail_io(c->t, c->checksum ? "read" : "splice", errno);
        goto out;
      }
      if (got(c, (uint64_t)out)) {
        rc = -1;
        goto out;
      }
      in -= out;
    }
  }
out:
  if (devnull >= 0) close(devnull);
  close(p[0]);
  close(p[1]);
  return rc;
}

/* recv(MSG_TRUNC) on TCP drops the bytes in the kernel without copying them */
static int recv_discard(recv_ctx *c) {
  for (;;) {
    ssize_t n;
    if (c->checksum) {
      n = recv(c->sock, c->buf, c->buf_bytes, MSG_PEEK);
      ZC_LOOP_CALL(c->t, ZC_SYS_RECVFROM);
      if (n > 0) c->crc = zc_crc32c(c->crc, c->buf, (size_t)n);
      if (n > 0) {
        ssize_t d = recv(c->sock, NULL, (size_t)n, MSG_TRUNC);
        ZC_LOOP_CALL(c->t, ZC_SYS_RECVFROM);
        if (d != n) return zc_fail_io(c->t, "recv", d < 0 ? errno : EIO);
      }
    } else {
      n = recv(c->sock, NULL, c->buf_bytes, MSG_TRUNC);
      ZC_LOOP_CALL(c->t, ZC_SYS_RECVFROM);
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      return zc_fail_io(c->t, "recv", errno);
    }
    if (n == 0) return 0;
    if (got(c, (uint64_t)n)) return -1;
  }
}

typedef int (*recv_fn)(recv_ctx *);
static const recv_fn modes[ZC_RECV_COUNT] = {
    [ZC_RECV_READ] = recv_read, [ZC_RECV_SPLICE] = recv_splice, [ZC_RECV_DISCARD] = recv_discard,
    [ZC_RECV_URING] = zc_recv_uring, [ZC_RECV_MAPPED] = zc_recv_mapped,
    [ZC_RECV_GPU_PAGEABLE] = zc_recv_gpu, [ZC_RECV_GPU_PINNED] = zc_recv_gpu, [ZC_RECV_GPU_MAPPED] = zc_recv_gpu};

static int peer_allowed(zc_transfer *t, const struct sockaddr_storage *peer) {
  if (!t->recv.expected_peer[0]) return 1;
  char ip[INET6_ADDRSTRLEN] = "";
  if (peer->ss_family == AF_INET) inet_ntop(AF_INET, &((const struct sockaddr_in *)peer)->sin_addr, ip, sizeof ip);
  else if (peer->ss_family == AF_INET6) inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)peer)->sin6_addr, ip, sizeof ip);
  else return 0;
  return strcmp(ip, t->recv.expected_peer) == 0;
}

/* accept() polled in slices so cancel works without touching the shared listener */
static int accept_one(zc_transfer *t, int *out) {
  uint64_t deadline = zc_now_ns() + (uint64_t)t->recv.accept_timeout_ms * ZC_NS_PER_MS;
  for (;;) {
    if (zc_cancelled(t)) {
      zc_error_set(&t->err, "ZC_CANCELLED", "cancelled before the sender connected");
      return -1;
    }
    if (zc_now_ns() > deadline) {
      zc_error_set(&t->err, "ZC_ACCEPT_TIMEOUT", "no sender connected in time");
      return -1;
    }
    struct pollfd p = {t->recv.listen_fd, POLLIN, 0};
    int r = poll(&p, 1, ZC_POLL_SLICE_MS);
    ZC_LOOP_CALL(t, ZC_SYS_POLL);
    if (r < 0 && errno != EINTR) {
      zc_error_set_errno(&t->err, "poll", errno, "waiting for the sender failed");
      return -1;
    }
    if (r <= 0) continue;
    struct sockaddr_storage peer;
    socklen_t plen = sizeof peer;
    int fd = accept4(t->recv.listen_fd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
    if (fd >= 0) {
      if (peer_allowed(t, &peer)) {
        t->peer_port = zc_sockaddr_port(&peer);
        *out = fd;
        return 0;
      }
      /* a stranger raced the real sender to this trial's port: turn it away, keep waiting */
      close(fd);
      continue;
    }
    if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) {
      zc_error_set_errno(&t->err, "accept4", errno, "accepting the sender failed");
      return -1;
    }
  }
}

void zc_run_receiver(zc_transfer *t) {
  recv_ctx c = {.t = t, .sock = -1, .checksum = t->recv.checksum, .crc = 0};
  c.buf_bytes = t->recv.buffer_bytes ? t->recv.buffer_bytes : ZC_DEFAULT_CHUNK_BYTES;
  t->effective_chunk_bytes = c.buf_bytes;
  c.buf = zc_buffer_alloc(c.buf_bytes);
  if (!c.buf) {
    zc_error_set_errno(&t->err, "mmap", ENOMEM, "cannot allocate the receive buffer");
    return;
  }
  int gpu = t->recv.mode >= ZC_RECV_GPU_PAGEABLE;
  /* a GPU mode that cannot open its device fails before a sender is accepted */
  if ((!gpu || zc_recv_gpu_open(&c) == 0) && accept_one(t, &c.sock) == 0) {
    zc_transfer_set_sock(t, c.sock);
    atomic_store(&t->phase, ZC_PHASE_CONNECTED);
    int domain = 0;
    socklen_t dl = sizeof domain;
    getsockopt(c.sock, SOL_SOCKET, SO_DOMAIN, &domain, &dl);
    if (t->recv.mode == ZC_RECV_DISCARD && domain == AF_UNIX)
      zc_error_set(&t->err, "ZC_UNSUPPORTED",
                   "receiver mode discard needs TCP: unix sockets cannot drop data with MSG_TRUNC; use read or splice");
    else if (t->recv.mode == ZC_RECV_MAPPED && domain == AF_UNIX)
      zc_error_set(&t->err, "ZC_UNSUPPORTED",
                   "receiver mode mapped needs TCP: only TCP sockets map pages (TCP_ZEROCOPY_RECEIVE); use read or splice");
    else if (modes[t->recv.mode](&c) == 0 && zc_cancelled(t))
      zc_error_set(&t->err, "ZC_CANCELLED", "cancelled");
    zc_tcp_info_read(c.sock, &t->tcp);
  }
  if (gpu) zc_recv_gpu_close(&c);
  t->crc32c = c.crc;
  zc_buffer_free(c.buf, c.buf_bytes);
}
