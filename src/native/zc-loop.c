/* What both loops use: the data socket a cancel can reach, their errors, their
 * buffers and pipes. Depends on nothing but zc.h, so the loops never reach back
 * into the lifecycle (zc-transfer.c) that starts them. */
#define _GNU_SOURCE
#include "zc-loop.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * Publishes the loop's socket for cancel to shut down. A cancel that came before
 * (after accept/connect, before this) found no socket to wake: honour it here,
 * under the same lock, or the loop would block in the kernel with nobody to wake it.
 */
void zc_transfer_set_sock(zc_transfer *t, int fd) {
  pthread_mutex_lock(&t->sock_lock);
  t->sock_fd = fd;
  if (atomic_load(&t->cancel)) shutdown(fd, SHUT_RDWR);
  pthread_mutex_unlock(&t->sock_lock);
}

void zc_transfer_close_sock(zc_transfer *t) {
  pthread_mutex_lock(&t->sock_lock);
  if (t->sock_fd >= 0) close(t->sock_fd);
  t->sock_fd = -1;
  pthread_mutex_unlock(&t->sock_lock);
}

int zc_fail_io(zc_transfer *t, const char *syscall, int err) {
  if (zc_cancelled(t)) zc_error_set(&t->err, "ZC_CANCELLED", "cancelled");
  else if (err == EPIPE || err == ECONNRESET)
    zc_error_set_errno(&t->err, syscall, err,
                       t->is_sender ? "the receiver closed the connection mid-transfer"
                                    : "the sender reset the connection");
  else zc_error_set_errno(&t->err, syscall, err, t->is_sender ? "sending failed" : "receiving failed");
  return -1;
}

void *zc_buffer_alloc(uint64_t bytes) {
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

void zc_buffer_free(void *p, uint64_t bytes) {
  if (p) munmap(p, bytes);
}

/* /proc/sys/fs/pipe-max-size: the largest pipe an unprivileged process may ask for */
static uint64_t pipe_max_size(void) {
  FILE *f = fopen("/proc/sys/fs/pipe-max-size", "r");
  unsigned long long v = 0;
  if (f) {
    if (fscanf(f, "%llu", &v) != 1) v = 0;
    fclose(f);
  }
  return v;
}

uint64_t zc_splice_pipe(int p[2], uint64_t want) {
  if (pipe2(p, O_CLOEXEC) < 0) return 0;
  uint64_t ask = want > ZC_PIPE_MAX_BYTES ? ZC_PIPE_MAX_BYTES : want;
  int cap = fcntl(p[1], F_SETPIPE_SZ, (int)ask);
  /* past pipe-max-size without CAP_SYS_RESOURCE: EPERM; take the largest allowed, not
   * the 64 KiB default */
  if (cap < 0) {
    uint64_t max = pipe_max_size();
    if (max > 0 && max < ask) cap = fcntl(p[1], F_SETPIPE_SZ, (int)max);
  }
  if (cap < 0) cap = fcntl(p[1], F_GETPIPE_SZ);
  return cap > 0 && (uint64_t)cap < want ? (uint64_t)cap : want;
}
