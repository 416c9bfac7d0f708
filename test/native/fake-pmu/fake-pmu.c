/*
 * A fake hardware PMU for tests, loaded with LD_PRELOAD: it stands in for
 * perf_event_open (through libc's syscall()) and for readv on the counters it
 * hands out, so the addon's PMU path runs on a machine whose PMU is closed.
 *
 * ZC_FAKE_PMU selects what a hardware-counter open does:
 *   ok          counts: cycles = the opening thread's task clock (a real software
 *               counter opened in its place) x ZC_FAKE_PMU_GHZ, instructions = 2 x
 *               cycles; each read reports the counter as running ZC_FAKE_PMU_RUNNING
 *               (0..1] of the time it was enabled, with the raw count cut to match, as
 *               a multiplexing kernel does. So cycles / task clock = GHz exactly, after
 *               the scaling the addon must do.
 *   EACCES | ENOENT | EOPNOTSUPP   refused with that errno
 *   useronly    EACCES when kernel time is counted, a counter when it is excluded
 * Software counters and every other system call go to the real kernel.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MAX_FAKES 4096

struct fake {
  int fd;
  pid_t tid;
  int instructions;
  uint64_t opened_ns;
};

static struct fake fakes[MAX_FAKES];
static int fake_count;
/* sender and receiver threads open and read counters at once */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t now_ns(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static double env_double(const char *name, double fallback) {
  const char *v = getenv(name);
  return v && *v ? strtod(v, NULL) : fallback;
}

static long (*real_syscall)(long, ...);
static ssize_t (*real_readv)(int, const struct iovec *, int);

static long fake_open(struct perf_event_attr *attr) {
  const char *mode = getenv("ZC_FAKE_PMU");
  if (!mode) mode = "ok";
  int refuse = 0;
  if (!strcmp(mode, "EACCES")) refuse = EACCES;
  else if (!strcmp(mode, "ENOENT")) refuse = ENOENT;
  else if (!strcmp(mode, "EOPNOTSUPP")) refuse = EOPNOTSUPP;
  else if (!strcmp(mode, "useronly") && !attr->exclude_kernel) refuse = EACCES;
  if (refuse) {
    errno = refuse;
    return -1;
  }
  /* a real task-clock counter on this thread stands in: the fake counts are derived from it */
  struct perf_event_attr sw;
  memset(&sw, 0, sizeof sw);
  sw.size = sizeof sw;
  sw.type = PERF_TYPE_SOFTWARE;
  sw.config = PERF_COUNT_SW_TASK_CLOCK;
  sw.exclude_hv = 1;
  sw.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
  int fd = (int)real_syscall(SYS_perf_event_open, &sw, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
  if (fd < 0) return -1;
  pthread_mutex_lock(&lock);
  for (int i = 0; i < MAX_FAKES; i++) {
    if (i < fake_count && fakes[i].fd >= 0) continue;
    fakes[i].fd = fd;
    fakes[i].tid = (pid_t)real_syscall(SYS_gettid);
    fakes[i].instructions = attr->config == PERF_COUNT_HW_INSTRUCTIONS;
    fakes[i].opened_ns = now_ns(CLOCK_MONOTONIC);
    if (i >= fake_count) fake_count = i + 1;
    pthread_mutex_unlock(&lock);
    return fd;
  }
  pthread_mutex_unlock(&lock);
  close(fd);
  errno = EMFILE;
  return -1;
}

long syscall(long number, ...) {
  if (!real_syscall) real_syscall = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
  va_list ap;
  va_start(ap, number);
  long a[6];
  for (int i = 0; i < 6; i++) a[i] = va_arg(ap, long);
  va_end(ap);
  if (number == SYS_perf_event_open) {
    struct perf_event_attr *attr = (struct perf_event_attr *)a[0];
    if (attr->type == PERF_TYPE_HARDWARE) return fake_open(attr);
  }
  return real_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

ssize_t readv(int fd, const struct iovec *iov, int iovcnt) {
  if (!real_readv) real_readv = (ssize_t(*)(int, const struct iovec *, int))dlsym(RTLD_NEXT, "readv");
  pthread_mutex_lock(&lock);
  int found = -1;
  for (int i = 0; i < fake_count && found < 0; i++)
    if (fakes[i].fd == fd && fd >= 0) found = i;
  struct fake f = found >= 0 ? fakes[found] : (struct fake){-1, 0, 0, 0};
  pthread_mutex_unlock(&lock);
  if (found >= 0) {
    struct fake *fk = &f;
    if (iovcnt != 1 || iov[0].iov_len < 3 * sizeof(uint64_t)) {
      errno = EINVAL;
      return -1;
    }
    double ghz = env_double("ZC_FAKE_PMU_GHZ", 3.0);
    double running_share = env_double("ZC_FAKE_PMU_RUNNING", 1.0);
    uint64_t *v = (uint64_t *)iov[0].iov_base;
    if (real_readv(fd, iov, 1) != (ssize_t)(3 * sizeof(uint64_t))) return -1;
    double counted = (double)v[0] * ghz * (fk->instructions ? 2.0 : 1.0);
    uint64_t enabled = v[1] ? v[1] : 1;
    uint64_t running = (uint64_t)((double)enabled * running_share);
    if (running == 0) running = 1;
    v[0] = (uint64_t)(counted * (double)running / (double)enabled);
    v[1] = enabled;
    v[2] = running;
    return (ssize_t)(3 * sizeof(uint64_t));
  }
  return real_readv(fd, iov, iovcnt);
}

int close(int fd) {
  static int (*real_close)(int);
  if (!real_close) real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
  pthread_mutex_lock(&lock);
  for (int i = 0; i < fake_count; i++)
    if (fakes[i].fd == fd) fakes[i].fd = -1;
  pthread_mutex_unlock(&lock);
  return real_close(fd);
}
