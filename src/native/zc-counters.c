/*
 * Per-thread counters. Hardware cycles/instructions via perf_event_open when the
 * PMU is open and may count kernel time; software events (task clock, context
 * switches, page faults) via perf where allowed, else /proc and getrusage.
 */
#define _GNU_SOURCE
#include "zc.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static int perf_open(uint32_t type, uint64_t config, int exclude_kernel) {
  struct perf_event_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.type = type;
  attr.config = config;
  attr.exclude_kernel = exclude_kernel;
  attr.exclude_hv = 1;
  attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
  /* pid 0, cpu -1: this thread only, on whatever CPU it runs */
  return (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

/* perf_event_paranoid when it cannot be read: above the strictest level (3), so
 * nothing is assumed allowed */
#define PARANOID_UNKNOWN 99
static int paranoid = PARANOID_UNKNOWN;

void zc_counters_init(void) {
  FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
  if (f) {
    if (fscanf(f, "%d", &paranoid) != 1) paranoid = PARANOID_UNKNOWN;
    fclose(f);
  }
}

static void explain_pmu(int errnum, int kernel_refused, char *reason, size_t len) {
  if (kernel_refused) {
    snprintf(reason, len,
             "the PMU counts user time only here (perf_event_paranoid=%d); run as root or "
             "`sudo sysctl kernel.perf_event_paranoid=1` to count kernel time", paranoid);
  } else if (errnum == ENOENT || errnum == EOPNOTSUPP || errnum == ENODEV) {
    snprintf(reason, len,
             "no hardware PMU is exposed to this machine (%s); in a VM, enable the virtual PMU "
             "(e.g. KVM `-cpu host,pmu=on`) or run on bare metal", strerror(errnum));
  } else if (errnum == EACCES || errnum == EPERM) {
    snprintf(reason, len,
             "perf_event_open was refused (%s, perf_event_paranoid=%d); run as root, grant "
             "CAP_PERFMON, or `sudo sysctl kernel.perf_event_paranoid=1`", strerror(errnum), paranoid);
  } else if (errnum == 0) {
    snprintf(reason, len, "hardware counters turned off by request (pmu: off)");
  } else {
    snprintf(reason, len, "perf_event_open failed: %s", strerror(errnum));
  }
}

/*
 * Opens cycles + instructions counting user and kernel. A count that silently
 * drops kernel time is wrong for zero-copy paths, so a user-only PMU counts as closed.
 */
static int open_hw(zc_counters *c) {
  int fd = perf_open(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, 0);
  if (fd < 0) {
    int err = errno;
    int user_fd = (err == EACCES || err == EPERM) ? perf_open(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, 1) : -1;
    if (user_fd >= 0) close(user_fd);
    c->hw_errnum = err;
    explain_pmu(err, user_fd >= 0, c->hw_reason, sizeof c->hw_reason);
    return -1;
  }
  c->fd_cycles = fd;
  c->fd_instructions = perf_open(PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, 0);
  return 0;
}

void zc_counters_open(zc_counters *c, zc_pmu_mode mode) {
  memset(c, 0, sizeof *c);
  c->fd_cycles = c->fd_instructions = c->fd_task_clock = c->fd_ctx = c->fd_faults = -1;
  c->tid = (pid_t)syscall(SYS_gettid);
  if (mode == ZC_PMU_OFF) {
    c->hw_errnum = 0;
    explain_pmu(0, 0, c->hw_reason, sizeof c->hw_reason);
  } else {
    open_hw(c);
  }
  c->fd_task_clock = perf_open(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, 0);
  c->fd_ctx = perf_open(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, 0);
  c->fd_faults = perf_open(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, 0);
}

/*
 * readv, not read: the loop's own read() calls are counted against strace, and
 * the apparatus must not show up under the same name.
 */
static int perf_value(int fd, uint64_t *out) {
  uint64_t v[3];
  struct iovec iov = {v, sizeof v};
  if (fd < 0 || readv(fd, &iov, 1) != (ssize_t)sizeof v) return -1;
  /* scale when the kernel multiplexed the counter */
  if (v[2] && v[2] < v[1]) v[0] = (uint64_t)((double)v[0] * (double)v[1] / (double)v[2]);
  *out = v[0];
  return 0;
}

/* voluntary/nonvoluntary switches, faults and CPU time of a live thread */
static int read_proc(pid_t tid, zc_counter_values *o) {
  char path[64], buf[4096];
  snprintf(path, sizeof path, "/proc/self/task/%d/status", (int)tid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  static const char voluntary[] = "\nvoluntary_ctxt_switches:";
  static const char involuntary[] = "\nnonvoluntary_ctxt_switches:";
  const char *p = strstr(buf, voluntary);
  const char *q = strstr(buf, involuntary);
  if (!p || !q) return -1;
  o->ctx_voluntary = strtoull(p + sizeof voluntary - 1, NULL, 10);
  o->ctx_involuntary = strtoull(q + sizeof involuntary - 1, NULL, 10);

  snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  /* fields after the parenthesised comm: state(3) ... minflt(10) cminflt majflt(12) */
  char *s = strrchr(buf, ')');
  if (!s) return -1;
  unsigned long long minflt = 0, majflt = 0;
  if (sscanf(s + 2, "%*c %*d %*d %*d %*d %*d %*u %llu %*u %llu", &minflt, &majflt) != 2) return -1;
  o->minor_faults = minflt;
  o->major_faults = majflt;

  /* schedstat's first field is on-CPU nanoseconds: precise where perf is closed */
  snprintf(path, sizeof path, "/proc/self/task/%d/schedstat", (int)tid);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n > 0) {
      buf[n] = 0;
      o->task_clock_ns = strtoull(buf, NULL, 10);
    }
  }
  return 0;
}

static void read_perf(zc_counters *c, zc_counter_values *o) {
  if (perf_value(c->fd_cycles, &o->cycles) == 0) {
    o->hw_source = ZC_SRC_PMU;
    perf_value(c->fd_instructions, &o->instructions);
  }
  if (perf_value(c->fd_task_clock, &o->task_clock_ns) == 0) o->clock_source = ZC_SRC_PERF_SW;
  if (perf_value(c->fd_ctx, &o->ctx_switches) == 0) o->ctx_source = ZC_SRC_PERF_SW;
  if (perf_value(c->fd_faults, &o->page_faults) == 0) o->fault_source = ZC_SRC_PERF_SW;
}

static void fill_from_split(zc_counter_values *o, int src) {
  o->split_source = src;
  if (o->ctx_source == ZC_SRC_NONE) {
    o->ctx_switches = o->ctx_voluntary + o->ctx_involuntary;
    o->ctx_source = src;
  }
  if (o->fault_source == ZC_SRC_NONE) {
    o->page_faults = o->minor_faults + o->major_faults;
    o->fault_source = src;
  }
}

void zc_counters_finish(zc_counters *c) {
  zc_counter_values o;
  memset(&o, 0, sizeof o);
  uint64_t perf_clock = 0;
  read_perf(c, &o);
  perf_clock = o.task_clock_ns;
  struct rusage ru;
  if (getrusage(RUSAGE_THREAD, &ru) == 0) {
    o.ctx_voluntary = (uint64_t)ru.ru_nvcsw;
    o.ctx_involuntary = (uint64_t)ru.ru_nivcsw;
    o.minor_faults = (uint64_t)ru.ru_minflt;
    o.major_faults = (uint64_t)ru.ru_majflt;
    if (o.clock_source == ZC_SRC_NONE) {
      o.task_clock_ns = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * ZC_NS_PER_SEC +
                        (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ull;
      o.clock_source = ZC_SRC_RUSAGE;
    } else {
      o.task_clock_ns = perf_clock;
    }
    fill_from_split(&o, ZC_SRC_RUSAGE);
  }
  c->final = o;
  atomic_store_explicit(&c->final_valid, 1, memory_order_release);
}

void zc_counters_read(zc_counters *c, zc_counter_values *out, int split) {
  if (atomic_load_explicit(&c->final_valid, memory_order_acquire)) {
    *out = c->final;
    return;
  }
  zc_counter_values o;
  memset(&o, 0, sizeof o);
  read_perf(c, &o);
  uint64_t perf_clock = o.task_clock_ns;
  int perf_covers = o.clock_source == ZC_SRC_PERF_SW && o.ctx_source == ZC_SRC_PERF_SW && o.fault_source == ZC_SRC_PERF_SW;
  if (!split && perf_covers) {
    *out = o;
    return;
  }
  if (read_proc(c->tid, &o) == 0) {
    if (o.clock_source == ZC_SRC_NONE) o.clock_source = ZC_SRC_PROC;
    else o.task_clock_ns = perf_clock;
    fill_from_split(&o, ZC_SRC_PROC);
  } else if (atomic_load_explicit(&c->final_valid, memory_order_acquire)) {
    /* the thread exited between our two looks */
    *out = c->final;
    return;
  } else {
    o.task_clock_ns = perf_clock;
  }
  *out = o;
}

void zc_counters_close(zc_counters *c) {
  int *fds[] = {&c->fd_cycles, &c->fd_instructions, &c->fd_task_clock, &c->fd_ctx, &c->fd_faults};
  for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
    if (*fds[i] >= 0) close(*fds[i]);
    *fds[i] = -1;
  }
}

int zc_pmu_probe(char *reason, size_t reason_len, int *errnum) {
  zc_counters c;
  memset(&c, 0, sizeof c);
  c.fd_cycles = c.fd_instructions = -1;
  int ok = open_hw(&c) == 0;
  if (ok) {
    close(c.fd_cycles);
    if (c.fd_instructions >= 0) close(c.fd_instructions);
    reason[0] = 0;
    *errnum = 0;
    return 0;
  }
  snprintf(reason, reason_len, "%s", c.hw_reason);
  *errnum = c.hw_errnum;
  return -1;
}
