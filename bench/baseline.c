/*
 * The yardstick for `npm run bench`: the smallest C program that makes the same
 * system calls as each zcprof sender loop, to a read() receiver in a child
 * process over loopback TCP. zcprof's figures should match it: any gap is
 * overhead zcprof adds.
 *
 *   baseline METHOD FILE CHUNK_BYTES [DURATION_MS]   ->  {"method":..,"bytes":..,"ns":..}
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

int main(int argc, char **argv) {
  if (argc != 4 && argc != 5) {
    fprintf(stderr, "usage: %s copy|mmap|sendfile|splice|msg-zerocopy FILE CHUNK_BYTES [DURATION_MS]\n", argv[0]);
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
  if (!strcmp(method, "mmap") || !strcmp(method, "msg-zerocopy")) {
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
  } else {
    fprintf(stderr, "unknown method %s\n", method);
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
