/* What every part of the native core uses: names, the clock, errors. Calls nothing
 * of the others, so it sits below all of them. */
#define _GNU_SOURCE
#include "zc.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

const char *const zc_syscall_names[ZC_SYS_COUNT] = {
    "read", "write", "sendfile", "splice", "sendto", "recvfrom", "recvmsg", "poll", "lseek",
    "io_uring_setup", "io_uring_register", "io_uring_enter", "read:/proc",
    "getsockopt", "madvise"};
const char *const zc_method_names[ZC_METHOD_COUNT] = {"copy",       "mmap",         "sendfile",     "splice",
                                                      "msg-zerocopy", "uring-send", "uring-splice", "uring-send-zc",
                                                      "gpu-copy", "gpu-pinned", "gpu-register", "gpu-mapped",
                                                      "gpu-cufile", "gpu-mem-pageable", "gpu-mem-pinned"};
const char *const zc_recv_mode_names[ZC_RECV_COUNT] = {"read", "splice", "discard", "uring",
                                                         "mapped", "gpu-pageable", "gpu-pinned", "gpu-mapped"};

uint64_t zc_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * ZC_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

void zc_error_set_errno(zc_error *e, const char *syscall, int errnum, const char *what) {
  e->failed = 1;
  e->errnum = errnum;
  const char *name = strerrorname_np(errnum);
  snprintf(e->code, sizeof e->code, "%s", name ? name : "EUNKNOWN");
  snprintf(e->syscall, sizeof e->syscall, "%s", syscall);
  snprintf(e->message, sizeof e->message, "%s: %s failed: %s", what, syscall, strerror(errnum));
}

int zc_error_unsupported(zc_error *e, const char *syscall, int errnum, const char *message) {
  zc_error_set(e, "ZC_UNSUPPORTED", message);
  e->errnum = errnum;
  if (syscall) snprintf(e->syscall, sizeof e->syscall, "%s", syscall);
  return -1;
}

void zc_error_set(zc_error *e, const char *code, const char *message) {
  e->failed = 1;
  e->errnum = 0;
  snprintf(e->code, sizeof e->code, "%s", code);
  e->syscall[0] = 0;
  snprintf(e->message, sizeof e->message, "%s", message);
}
