/*
 * The yardstick for `npm run bench`: the smallest C program that makes the same
 * system calls as each zcprof sender loop, to a read() receiver in a child
 * process over loopback TCP. zcprof's figures should match it: any gap is
 * overhead zcprof adds.
 *
 *   baseline METHOD FILE CHUNK_BYTES [DURATION_MS]   ->  {"method":..,"bytes":..,"ns":..}
 *
 * The io_uring methods (uring-send, uring-splice, uring-send-zc) are written here with
 * liburing (Debian's liburing-dev), not with zcprof's own ring: the yardstick shares
 * no code with what it measures. Built without liburing, they are refused.
 *
 * With DURATION_MS, a timed trial by zcprof's rule: the clock is read before each
 * call, and the file starts again at its end (copy seeks back, sendfile and splice
 * reset their offset, mmap and msg-zerocopy reuse the mapping).
 *
 * Timing: from the first send to the receiver's last byte, CLOCK_MONOTONIC on
 * both sides (same host), as zcprof times a local trial.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if __has_include(<liburing.h>)
#include <liburing.h>
#define HAVE_LIBURING 1
#endif

#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY 60
#endif
#ifndef MSG_ZEROCOPY
#define MSG_ZEROCOPY 0x4000000
#endif

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void write_all(int s, const char *p, size_t n) {
  while (n) {
    ssize_t w = write(s, p, n);
    if (w < 0) die("write");
    p += w;
    n -= (size_t)w;
  }
}

/* child: accept one connection, read() until EOF, report the last byte's time */
static void receiver(int lfd, int report_fd, size_t chunk) {
  int s = accept(lfd, NULL, NULL);
  if (s < 0) die("accept");
  char *buf = mmap(NULL, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  uint64_t total = 0, last = 0;
  for (;;) {
    ssize_t n = read(s, buf, chunk);
    if (n < 0) die("read");
    if (n == 0) break;
    total += (uint64_t)n;
    last = now_ns();
  }
  close(s);
  uint64_t msg[2] = {total, last};
  if (write(report_fd, msg, sizeof msg) != sizeof msg) die("report");
  _exit(0);
}

static uint64_t reap(int s) {
  uint64_t done = 0;
  for (;;) {
    char control[128];
    struct msghdr msg = {0};
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    if (recvmsg(s, &msg, MSG_ERRQUEUE) < 0) return done;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
      struct sock_extended_err *ee = (struct sock_extended_err *)CMSG_DATA(cm);
      if (ee->ee_origin == SO_EE_ORIGIN_ZEROCOPY) done += (uint64_t)(ee->ee_data - ee->ee_info) + 1;
    }
  }
}

/* the next call's length from offset *off, 0 when the trial is over; a timed trial wraps at the end */
static uint64_t deadline = 0;
static size_t next_len(size_t *off, size_t size, size_t chunk, int *wrapped) {
  *wrapped = 0;
  if (deadline) {
    if (now_ns() >= deadline) return 0;
    if (*off >= size) {
      *off = 0;
      *wrapped = 1;
    }
  } else if (*off >= size) return 0;
  return chunk < size - *off ? chunk : size - *off;
}

#ifdef HAVE_LIBURING
/* SQEs per batch: zcprof's default depth */
#define DEPTH 32

/* a batch's pieces, planned by next_len */
static size_t plan_batch(size_t *off, size_t size, size_t chunk, size_t *poff, size_t *plen, int max) {
  size_t n = 0, len;
  int wrapped;
  while ((int)n < max && (len = next_len(off, size, chunk, &wrapped))) {
    poff[n] = *off;
    plen[n++] = len;
    *off += len;
  }
  return n;
}

static void wait_n(struct io_uring *r, unsigned n, const char *what) {
  struct io_uring_cqe *cqe;
  for (unsigned got = 0; got < n; got++) {
    if (io_uring_wait_cqe(r, &cqe)) die(what);
    if (cqe->res < 0) die(what);
    io_uring_cqe_seen(r, cqe);
  }
}

static void uring_send(int fd, int s, size_t size, size_t chunk) {
  struct io_uring r;
  if (io_uring_queue_init(DEPTH, &r, 0)) die("io_uring_queue_init");
  char *mem = mmap(NULL, DEPTH * chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  struct iovec iov[DEPTH];
  for (int i = 0; i < DEPTH; i++) iov[i] = (struct iovec){mem + i * chunk, chunk};
  if (io_uring_register_buffers(&r, iov, DEPTH)) die("register buffers");
  size_t off = 0, poff[DEPTH], plen[DEPTH], n;
  while ((n = plan_batch(&off, size, chunk, poff, plen, DEPTH))) {
    for (size_t i = 0; i < n; i++)
      io_uring_prep_read_fixed(io_uring_get_sqe(&r), fd, iov[i].iov_base, (unsigned)plen[i], poff[i], (int)i);
    io_uring_submit_and_wait(&r, (unsigned)n);
    wait_n(&r, (unsigned)n, "read_fixed");
    for (size_t i = 0; i < n; i++) {
      struct io_uring_sqe *q = io_uring_get_sqe(&r);
      io_uring_prep_send(q, s, iov[i].iov_base, plen[i], MSG_WAITALL);
      if (i + 1 < n) q->flags |= IOSQE_IO_LINK;
    }
    io_uring_submit_and_wait(&r, (unsigned)n);
    wait_n(&r, (unsigned)n, "send");
  }
  io_uring_queue_exit(&r);
}

static void uring_splice(int fd, int s, size_t size, size_t chunk) {
  struct io_uring r;
  if (io_uring_queue_init(DEPTH, &r, 0)) die("io_uring_queue_init");
  int p[2];
  if (pipe(p)) die("pipe");
  int cap = fcntl(p[1], F_SETPIPE_SZ, (int)chunk);
  if (cap > 0 && (size_t)cap < chunk) chunk = (size_t)cap;
  size_t off = 0, poff[DEPTH / 2], plen[DEPTH / 2], n;
  while ((n = plan_batch(&off, size, chunk, poff, plen, DEPTH / 2))) {
    for (size_t i = 0; i < n; i++) {
      struct io_uring_sqe *in = io_uring_get_sqe(&r);
      io_uring_prep_splice(in, fd, (int64_t)poff[i], p[1], -1, (unsigned)plen[i], SPLICE_F_MOVE);
      in->flags |= IOSQE_IO_LINK;
      struct io_uring_sqe *out = io_uring_get_sqe(&r);
      io_uring_prep_splice(out, p[0], -1, s, -1, (unsigned)plen[i], SPLICE_F_MOVE);
      if (i + 1 < n) out->flags |= IOSQE_IO_LINK;
    }
    io_uring_submit_and_wait(&r, (unsigned)(2 * n));
    wait_n(&r, (unsigned)(2 * n), "splice");
  }
  io_uring_queue_exit(&r);
}

static void uring_send_zc(int s, const char *map, size_t size, size_t chunk) {
  struct io_uring r;
  struct io_uring_params prm = {.flags = IORING_SETUP_CQSIZE, .cq_entries = 4 * DEPTH};
  if (io_uring_queue_init_params(DEPTH, &r, &prm)) die("io_uring_queue_init");
  size_t off = 0, poff[DEPTH], plen[DEPTH], n;
  uint64_t sends = 0, notifs = 0;
  while ((n = plan_batch(&off, size, chunk, poff, plen, DEPTH))) {
    for (size_t i = 0; i < n; i++) {
      struct io_uring_sqe *q = io_uring_get_sqe(&r);
      io_uring_prep_send_zc(q, s, map + poff[i], plen[i], MSG_WAITALL, 0);
      if (i + 1 < n) q->flags |= IOSQE_IO_LINK;
    }
    io_uring_submit(&r);
    /* the batch's sends complete in order; their notifications come when they come */
    for (size_t got = 0; got < n;) {
      struct io_uring_cqe *cqe;
      if (io_uring_wait_cqe(&r, &cqe)) die("send_zc");
      if (cqe->flags & IORING_CQE_F_NOTIF) notifs++;
      else {
        if (cqe->res < 0) die("send_zc");
        if (cqe->flags & IORING_CQE_F_MORE) sends++;
        got++;
      }
      io_uring_cqe_seen(&r, cqe);
    }
  }
  while (notifs < sends) {
    struct io_uring_cqe *cqe;
    if (io_uring_wait_cqe(&r, &cqe)) die("send_zc notification");
    if (cqe->flags & IORING_CQE_F_NOTIF) notifs++;
    io_uring_cqe_seen(&r, cqe);
  }
  io_uring_queue_exit(&r);
}
#endif

int main(int argc, char **argv) {
  if (argc != 4 && argc != 5) {
    fprintf(stderr, "usage: %s copy|mmap|sendfile|splice|msg-zerocopy|uring-send|uring-splice|uring-send-zc FILE CHUNK_BYTES [DURATION_MS]\n", argv[0]);
    return 2;
  }
  uint64_t duration_ns = argc == 5 ? strtoull(argv[4], NULL, 10) * 1000000ull : 0;
  const char *method = argv[1];
  size_t chunk = strtoull(argv[3], NULL, 10);
  int fd = open(argv[2], O_RDONLY);
  if (fd < 0) die("open");
  struct stat st;
  fstat(fd, &st);
  size_t size = (size_t)st.st_size;

  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t al = sizeof a;
  if (bind(lfd, (struct sockaddr *)&a, sizeof a) || listen(lfd, 1)) die("listen");
  getsockname(lfd, (struct sockaddr *)&a, &al);
  int rep[2];
  if (pipe(rep)) die("pipe");
  pid_t child = fork();
  if (child == 0) receiver(lfd, rep[1], chunk);

  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(s, (struct sockaddr *)&a, sizeof a)) die("connect");
  const char *map = NULL;
  if (!strcmp(method, "mmap") || !strcmp(method, "msg-zerocopy") || !strcmp(method, "uring-send-zc")) {
    map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    madvise((void *)map, size, MADV_SEQUENTIAL);
  }

  uint64_t t0 = now_ns();
  if (duration_ns) deadline = t0 + duration_ns;
  size_t off = 0, len;
  int wrapped;
  if (!strcmp(method, "copy")) {
    char *buf = mmap(NULL, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    while ((len = next_len(&off, size, chunk, &wrapped))) {
      if (wrapped && lseek(fd, 0, SEEK_SET) < 0) die("lseek");
      ssize_t n = read(fd, buf, len);
      if (n <= 0) die("read");
      write_all(s, buf, (size_t)n);
      off += (size_t)n;
    }
  } else if (!strcmp(method, "mmap")) {
    while ((len = next_len(&off, size, chunk, &wrapped))) {
      write_all(s, map + off, len);
      off += len;
    }
  } else if (!strcmp(method, "sendfile")) {
    while ((len = next_len(&off, size, chunk, &wrapped))) {
      off_t o = (off_t)off;
      if (sendfile(s, fd, &o, len) <= 0) die("sendfile");
      off = (size_t)o;
    }
  } else if (!strcmp(method, "splice")) {
    int p[2];
    if (pipe(p)) die("pipe");
    int cap = fcntl(p[1], F_SETPIPE_SZ, (int)chunk);
    if (cap > 0 && (size_t)cap < chunk) chunk = (size_t)cap;
    while ((len = next_len(&off, size, chunk, &wrapped))) {
      loff_t o = (loff_t)off;
      ssize_t in = splice(fd, &o, p[1], NULL, len, SPLICE_F_MOVE | SPLICE_F_MORE);
      if (in <= 0) die("splice in");
      off = (size_t)o;
      while (in > 0) {
        ssize_t out = splice(p[0], NULL, s, NULL, (size_t)in, SPLICE_F_MOVE | SPLICE_F_MORE);
        if (out <= 0) die("splice out");
        in -= out;
      }
    }
  } else if (!strcmp(method, "msg-zerocopy")) {
    int one = 1;
    if (setsockopt(s, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof one)) die("SO_ZEROCOPY");
    uint64_t sent = 0, done = 0;
    while ((len = next_len(&off, size, chunk, &wrapped))) {
      if (sent - done >= 256) {
        uint64_t got = reap(s);
        if (!got) {
          struct pollfd pf = {s, 0, 0};
          poll(&pf, 1, 100);
        }
        done += got;
      }
      ssize_t n = send(s, map + off, len, MSG_ZEROCOPY);
      if (n < 0 && errno == ENOBUFS) {
        done += reap(s);
        continue;
      }
      if (n < 0) die("send");
      sent++;
      off += (size_t)n;
    }
    while (done < sent) {
      struct pollfd pf = {s, 0, 0};
      poll(&pf, 1, 100);
      done += reap(s);
    }
#ifdef HAVE_LIBURING
  } else if (!strcmp(method, "uring-send")) {
    uring_send(fd, s, size, chunk);
  } else if (!strcmp(method, "uring-splice")) {
    uring_splice(fd, s, size, chunk);
  } else if (!strcmp(method, "uring-send-zc")) {
    uring_send_zc(s, map, size, chunk);
#endif
  } else {
    fprintf(stderr, "unknown method %s (the uring-* methods need liburing-dev at build time)\n", method);
    return 2;
  }
  shutdown(s, SHUT_WR);
  char c;
  while (read(s, &c, 1) > 0) {
  }
  uint64_t msg[2];
  if (read(rep[0], msg, sizeof msg) != sizeof msg) die("report");
  waitpid(child, NULL, 0);
  printf("{\"method\":\"%s\",\"bytes\":%llu,\"ns\":%llu}\n", method, (unsigned long long)msg[0],
         (unsigned long long)(msg[1] - t0));
  return duration_ns || msg[0] == size ? 0 : 1;
}
