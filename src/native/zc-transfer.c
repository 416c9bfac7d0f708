/* Lifecycle shared by senders and receivers: the thread, its pinning, cancel, join. */
#define _GNU_SOURCE
#include "zc-loop.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Pins the calling thread before anything is counted: a refused set fails the transfer. */
static int apply_placement(zc_transfer *t) {
  const zc_placement *p = t->is_sender ? &t->send.placement : &t->recv.placement;
  if (!p->pinned) return 0;
  if (sched_setaffinity(0, sizeof p->cpus, &p->cpus) == 0) return 0;
  zc_error_set_errno(&t->err, "sched_setaffinity", errno, "cannot pin the transfer thread to the CPUs asked for");
  snprintf(t->err.code, sizeof t->err.code, "ZC_PIN");
  return -1;
}

static void *thread_main(void *arg) {
  zc_transfer *t = arg;
  int pinned_ok = apply_placement(t) == 0;
  zc_counters_open(&t->counters, t->is_sender ? t->send.pmu : t->recv.pmu);
  atomic_store(&t->start_ns, zc_now_ns());
  if (pinned_ok) {
    if (t->is_sender) zc_run_sender(t);
    else zc_run_receiver(t);
  }
  zc_transfer_close_sock(t);
  /* where the thread was allowed to run at the end: pinning held, or was changed under us */
  t->affinity_valid = sched_getaffinity(0, sizeof t->affinity_end, &t->affinity_end) == 0;
  zc_counters_finish(&t->counters);
  atomic_store(&t->phase, ZC_PHASE_DONE);
  t->done(t, t->user);
  return NULL;
}

static int start(zc_transfer *t, zc_done_fn done, void *user) {
  t->done = done;
  t->user = user;
  t->sock_fd = -1;
  atomic_store(&t->cpu.last, -1);
  pthread_mutex_init(&t->sock_lock, NULL);
  int r = pthread_create(&t->thread, NULL, thread_main, t);
  if (r != 0) {
    zc_error_set_errno(&t->err, "pthread_create", r, "cannot start the transfer thread");
    return -1;
  }
  t->thread_started = 1;
  return 0;
}

int zc_sender_start(zc_transfer *t, const zc_sender_config *cfg, zc_done_fn done, void *user) {
  t->is_sender = 1;
  t->send = *cfg;
  return start(t, done, user);
}

int zc_receiver_start(zc_transfer *t, const zc_receiver_config *cfg, zc_done_fn done, void *user) {
  t->is_sender = 0;
  t->recv = *cfg;
  return start(t, done, user);
}

/* Wakes a loop blocked in the kernel: shutdown makes blocked socket calls return. */
void zc_transfer_cancel(zc_transfer *t) {
  atomic_store(&t->cancel, 1);
  pthread_mutex_lock(&t->sock_lock);
  if (t->sock_fd >= 0) shutdown(t->sock_fd, SHUT_RDWR);
  pthread_mutex_unlock(&t->sock_lock);
}

void zc_transfer_join(zc_transfer *t) {
  if (t->thread_started) {
    pthread_join(t->thread, NULL);
    t->thread_started = 0;
  }
  zc_counters_close(&t->counters);
}
