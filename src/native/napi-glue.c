/*
 * Node-API glue: argument parsing, result objects, errors, and the hand-off from
 * transfer threads back to the JS thread. Everything else is plain C in zc-*.c.
 */
#define NAPI_VERSION 8
#define _GNU_SOURCE
#include <errno.h>
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "zc.h"
#include "zc-uring.h"

#define CHECK(call)                                                      \
  do {                                                                   \
    if ((call) != napi_ok) {                                             \
      napi_throw_error(env, "ZC_NAPI", "Node-API call failed: " #call);  \
      return NULL;                                                       \
    }                                                                    \
  } while (0)

typedef struct {
  zc_transfer t;
  napi_threadsafe_function tsfn;
  napi_ref callback;
  napi_ref self;        /* keeps the handle alive until the thread is done */
  int joined;
} handle;

/* ---------- small helpers ---------- */

static void set_num(napi_env env, napi_value obj, const char *key, double v) {
  napi_value x;
  napi_create_double(env, v, &x);
  napi_set_named_property(env, obj, key, x);
}

static void set_str(napi_env env, napi_value obj, const char *key, const char *s) {
  napi_value x;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &x);
  napi_set_named_property(env, obj, key, x);
}

static void set_bool(napi_env env, napi_value obj, const char *key, int b) {
  napi_value x;
  napi_get_boolean(env, b != 0, &x);
  napi_set_named_property(env, obj, key, x);
}

static int has(napi_env env, napi_value obj, const char *key, napi_value *out) {
  bool present = false;
  napi_has_named_property(env, obj, key, &present);
  if (!present) return 0;
  napi_get_named_property(env, obj, key, out);
  napi_valuetype t;
  napi_typeof(env, *out, &t);
  return t != napi_undefined && t != napi_null;
}

static int get_num(napi_env env, napi_value obj, const char *key, double *out) {
  napi_value v;
  if (!has(env, obj, key, &v)) return 0;
  return napi_get_value_double(env, v, out) == napi_ok;
}

static int get_str(napi_env env, napi_value obj, const char *key, char *buf, size_t len) {
  napi_value v;
  size_t n;
  if (!has(env, obj, key, &v)) return 0;
  if (napi_get_value_string_utf8(env, v, buf, len, &n) != napi_ok) return 0;
  return n < len - 1 ? 1 : -1; /* -1: truncated */
}

/* cpus: [0, 2, …] → a pinned placement; absent or empty: not pinned. -1 on a bad list. */
static int get_placement(napi_env env, napi_value obj, zc_placement *out) {
  napi_value v;
  memset(out, 0, sizeof *out);
  if (!has(env, obj, "cpus", &v)) return 0;
  bool is_array = false;
  napi_is_array(env, v, &is_array);
  if (!is_array) return -1;
  uint32_t n = 0;
  napi_get_array_length(env, v, &n);
  if (n == 0) return 0;
  CPU_ZERO(&out->cpus);
  for (uint32_t i = 0; i < n; i++) {
    napi_value x;
    double cpu;
    if (napi_get_element(env, v, i, &x) != napi_ok || napi_get_value_double(env, x, &cpu) != napi_ok) return -1;
    if (cpu < 0 || cpu >= ZC_MAX_CPUS || cpu != (double)(int)cpu) return -1;
    CPU_SET((int)cpu, &out->cpus);
  }
  out->pinned = 1;
  return 0;
}

static napi_value cpu_array(napi_env env, const cpu_set_t *set) {
  napi_value arr;
  napi_create_array(env, &arr);
  uint32_t k = 0;
  for (int cpu = 0; cpu < ZC_MAX_CPUS && cpu < CPU_SETSIZE; cpu++) {
    if (!CPU_ISSET(cpu, set)) continue;
    napi_value x;
    napi_create_double(env, cpu, &x);
    napi_set_element(env, arr, k++, x);
  }
  return arr;
}

static napi_value seen_array(napi_env env, zc_cpu_trace *trace) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int cpu = 0; cpu < ZC_MAX_CPUS && cpu < CPU_SETSIZE; cpu++)
    if (atomic_load_explicit(&trace->seen[cpu / 64], memory_order_relaxed) & (1ull << (cpu % 64))) CPU_SET(cpu, &set);
  return cpu_array(env, &set);
}

static int index_of(const char *const *names, int count, const char *s) {
  for (int i = 0; i < count; i++)
    if (strcmp(names[i], s) == 0) return i;
  return -1;
}

static napi_value make_error(napi_env env, const zc_error *e) {
  napi_value msg, code, err;
  napi_create_string_utf8(env, e->message, NAPI_AUTO_LENGTH, &msg);
  napi_create_string_utf8(env, e->code, NAPI_AUTO_LENGTH, &code);
  napi_create_error(env, code, msg, &err);
  set_num(env, err, "errno", e->errnum);
  set_str(env, err, "syscall", e->syscall);
  return err;
}

static napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, "ZC_BAD_ARGUMENT", msg);
  return NULL;
}

/* out of memory is an Error with code, errno and syscall like any failed call, not a
 * TypeError: nothing the caller passed was wrong */
static napi_value throw_oom(napi_env env, const char *what) {
  zc_error e = {0};
  zc_error_set_errno(&e, "calloc", ENOMEM, what);
  napi_throw(env, make_error(env, &e));
  return NULL;
}

static const char *source_name(int s) {
  switch (s) {
    case ZC_SRC_PMU: return "pmu";
    case ZC_SRC_PERF_SW: return "perf-software";
    case ZC_SRC_RUSAGE: return "rusage";
    case ZC_SRC_PROC: return "procfs";
    default: return "none";
  }
}

static napi_value counters_object(napi_env env, zc_counters *c, int split) {
  zc_counter_values v;
  zc_counters_read(c, &v, split);
  napi_value o, src;
  napi_create_object(env, &o);
  if (v.hw_source == ZC_SRC_PMU) {
    set_num(env, o, "cycles", (double)v.cycles);
    set_num(env, o, "instructions", (double)v.instructions);
  }
  set_num(env, o, "taskClockNs", (double)v.task_clock_ns);
  set_num(env, o, "contextSwitches", (double)v.ctx_switches);
  set_num(env, o, "contextSwitchesVoluntary", (double)v.ctx_voluntary);
  set_num(env, o, "contextSwitchesInvoluntary", (double)v.ctx_involuntary);
  set_num(env, o, "pageFaults", (double)v.page_faults);
  set_num(env, o, "pageFaultsMinor", (double)v.minor_faults);
  set_num(env, o, "pageFaultsMajor", (double)v.major_faults);
  set_num(env, o, "tid", (double)c->tid);
  napi_create_object(env, &src);
  set_str(env, src, "cycles", source_name(v.hw_source));
  set_str(env, src, "taskClock", source_name(v.clock_source));
  set_str(env, src, "contextSwitches", source_name(v.ctx_source));
  set_str(env, src, "pageFaults", source_name(v.fault_source));
  set_str(env, src, "split", source_name(v.split_source));
  napi_set_named_property(env, o, "sources", src);
  if (v.hw_source != ZC_SRC_PMU) {
    set_str(env, o, "pmuReason", c->hw_reason);
    set_num(env, o, "pmuErrno", c->hw_errnum);
  }
  return o;
}

static napi_value progress_object(napi_env env, zc_transfer *t) {
  napi_value o, calls;
  napi_create_object(env, &o);
  napi_create_object(env, &calls);
  static const char *phases[] = {
      [ZC_PHASE_STARTING] = "starting", [ZC_PHASE_CONNECTED] = "connected", [ZC_PHASE_MOVING] = "moving", [ZC_PHASE_DONE] = "done"};
  int phase = atomic_load(&t->phase);
  set_str(env, o, "phase", phases[phase >= ZC_PHASE_STARTING && phase <= ZC_PHASE_DONE ? phase : ZC_PHASE_STARTING]);
  set_num(env, o, "bytes", (double)atomic_load_explicit(&t->bytes, memory_order_relaxed));
  double total = 0;
  for (int i = 0; i < ZC_SYS_COUNT; i++) {
    double n = (double)atomic_load_explicit(&t->calls[i], memory_order_relaxed);
    total += n;
    if (n > 0) set_num(env, calls, zc_syscall_names[i], n);
  }
  napi_set_named_property(env, o, "syscalls", calls);
  set_num(env, o, "syscallsTotal", total);
  set_num(env, o, "zeroCopySends", (double)atomic_load(&t->zc_sends));
  set_num(env, o, "zeroCopyCompleted", (double)atomic_load(&t->zc_completed));
  set_num(env, o, "zeroCopyCopied", (double)atomic_load(&t->zc_copied));
  set_num(env, o, "uringSqes", (double)atomic_load(&t->uring_sqes));
  set_num(env, o, "uringSqpollTid", atomic_load(&t->uring_sqpoll_tid));
  /* io_uring's own threads so far (SQ poller, workers): only where a ring was set up */
  int64_t uring_threads = zc_uring_threads_cpu_ns(t);
  if (uring_threads >= 0) set_num(env, o, "uringThreadsCpuNs", (double)uring_threads);
  set_num(env, o, "gpuCalls", (double)atomic_load(&t->gpu_calls));
  set_num(env, o, "startNs", (double)atomic_load(&t->start_ns));
  set_num(env, o, "firstByteNs", (double)atomic_load(&t->first_byte_ns));
  set_num(env, o, "lastByteNs", (double)atomic_load(&t->last_byte_ns));
  return o;
}

static napi_value result_object(napi_env env, handle *h) {
  zc_transfer *t = &h->t;
  napi_value o = progress_object(env, t);
  set_num(env, o, "fileBytes", (double)t->file_bytes);
  set_num(env, o, "confirmedNs", (double)t->confirmed_ns);
  set_bool(env, o, "peerConfirmed", t->peer_confirmed);
  set_num(env, o, "crc32c", (double)t->crc32c);
  set_num(env, o, "effectiveChunkBytes", (double)t->effective_chunk_bytes);
  set_num(env, o, "uringSqpollCpuNs", (double)t->uring_sqpoll_ns);
  set_num(env, o, "uringWorkerCpuNs", (double)t->uring_worker_ns);
  set_num(env, o, "localPort", t->local_port);
  set_num(env, o, "peerPort", t->peer_port);
  napi_set_named_property(env, o, "cpusSeen", seen_array(env, &t->cpu));
  set_num(env, o, "cpuMigrations", (double)atomic_load(&t->cpu.migrations));
  if (t->affinity_valid) napi_set_named_property(env, o, "affinityEnd", cpu_array(env, &t->affinity_end));
  const zc_placement *pin = t->is_sender ? &t->send.placement : &t->recv.placement;
  if (pin->pinned) napi_set_named_property(env, o, "pinnedCpus", cpu_array(env, &pin->cpus));
  napi_set_named_property(env, o, "counters", counters_object(env, &t->counters, 1));
  if (t->is_sender && t->send.method >= ZC_METHOD_GPU_COPY) {
    napi_value g;
    napi_create_object(env, &g);
    set_num(env, g, "device", t->send.gpu_device);
    set_num(env, g, "gpuNs", (double)t->gpu.gpu_ns);
    set_num(env, g, "setupNs", (double)t->gpu.setup_ns);
    set_num(env, g, "pinNs", (double)t->gpu.pin_ns);
    set_num(env, g, "unpinNs", (double)t->gpu.unpin_ns);
    set_num(env, g, "deviceBytes", (double)t->gpu.device_bytes);
    set_str(env, g, "wait", t->gpu.sync_blocking ? "blocking" : "spin");
    if (t->gpu.storage_mode) set_str(env, g, "storage", t->gpu.storage_mode == 2 ? "gds" : "compat");
    set_bool(env, g, "verified", t->gpu.verified);
    set_num(env, g, "verifiedBytes", (double)t->gpu.verified_bytes);
    napi_set_named_property(env, o, "gpu", g);
  }
  if (t->tcp.valid) {
    napi_value tcp;
    napi_create_object(env, &tcp);
    set_num(env, tcp, "rttUs", t->tcp.rtt_us);
    set_num(env, tcp, "rttVarUs", t->tcp.rttvar_us);
    set_num(env, tcp, "sndCwnd", t->tcp.snd_cwnd);
    set_num(env, tcp, "sndMssBytes", t->tcp.snd_mss);
    set_num(env, tcp, "totalRetrans", t->tcp.total_retrans);
    set_num(env, tcp, "busyUs", (double)t->tcp.busy_us);
    set_num(env, tcp, "rwndLimitedUs", (double)t->tcp.rwnd_limited_us);
    set_num(env, tcp, "sndbufLimitedUs", (double)t->tcp.sndbuf_limited_us);
    set_num(env, tcp, "deliveryRateBytesPerSec", (double)t->tcp.delivery_rate_bytes_per_sec);
    napi_set_named_property(env, o, "tcpInfo", tcp);
  }
  return o;
}

/* ---------- transfer lifecycle ---------- */

static void on_done_thread(zc_transfer *t, void *user) {
  handle *h = user;
  (void)t;
  napi_call_threadsafe_function(h->tsfn, h, napi_tsfn_blocking);
  napi_release_threadsafe_function(h->tsfn, napi_tsfn_release);
}

/* on the JS thread: join, then hand (error, result) to the callback */
static void on_done_js(napi_env env, napi_value js_cb, void *context, void *data) {
  (void)js_cb;
  (void)context;
  handle *h = data;
  if (!env) return;
  zc_transfer_join(&h->t);
  h->joined = 1;
  napi_value cb, undef, args[2];
  napi_get_undefined(env, &undef);
  napi_get_reference_value(env, h->callback, &cb);
  args[1] = result_object(env, h);
  if (h->t.err.failed) {
    args[0] = make_error(env, &h->t.err);
    /* what was measured before the failure travels with the error */
    napi_set_named_property(env, args[0], "partial", args[1]);
  } else {
    args[0] = undef;
  }
  napi_call_function(env, undef, cb, 2, args, NULL);
  napi_delete_reference(env, h->callback);
  napi_delete_reference(env, h->self);
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  handle *h = data;
  if (!h->joined) zc_transfer_join(&h->t);
  pthread_mutex_destroy(&h->t.sock_lock);
  free(h);
}

static handle *get_handle(napi_env env, napi_value v) {
  void *p = NULL;
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t != napi_external || napi_get_value_external(env, v, &p) != napi_ok) return NULL;
  return p;
}

static int parse_pmu(napi_env env, napi_value cfg, zc_pmu_mode *out) {
  char buf[16];
  int r = get_str(env, cfg, "pmu", buf, sizeof buf);
  *out = ZC_PMU_AUTO;
  if (r == 0) return 0;
  if (r > 0 && strcmp(buf, "auto") == 0) return 0;
  if (r > 0 && strcmp(buf, "off") == 0) {
    *out = ZC_PMU_OFF;
    return 0;
  }
  return -1;
}

static int parse_address(napi_env env, napi_value cfg, zc_address *a, const char **why) {
  char fam[16];
  memset(a, 0, sizeof *a);
  if (get_str(env, cfg, "family", fam, sizeof fam) <= 0) {
    *why = "address.family must be 'inet', 'inet6' or 'unix'";
    return -1;
  }
  if (strcmp(fam, "unix") == 0) {
    a->family = ZC_FAMILY_UNIX;
    if (get_str(env, cfg, "path", a->path, sizeof a->path) <= 0) {
      *why = "address.path must be a unix socket path shorter than 108 bytes";
      return -1;
    }
    return 0;
  }
  if (strcmp(fam, "inet") == 0) a->family = ZC_FAMILY_INET;
  else if (strcmp(fam, "inet6") == 0) a->family = ZC_FAMILY_INET6;
  else {
    *why = "address.family must be 'inet', 'inet6' or 'unix'";
    return -1;
  }
  double port = 0;
  if (get_str(env, cfg, "host", a->host, sizeof a->host) <= 0 || !get_num(env, cfg, "port", &port) || port < 0 ||
      port > 65535) {
    *why = "address needs a numeric host and a port in 0..65535";
    return -1;
  }
  a->port = (int)port;
  return 0;
}

static napi_value start_transfer(napi_env env, handle *h, napi_value cb, int is_sender) {
  napi_value name, external;
  napi_valuetype cbt;
  napi_typeof(env, cb, &cbt);
  if (cbt != napi_function) {
    free(h);
    return throw_type(env, "the last argument must be a completion callback");
  }
  CHECK(napi_create_string_utf8(env, is_sender ? "zcprof-sender" : "zcprof-receiver", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_threadsafe_function(env, NULL, NULL, name, 0, 1, NULL, NULL, NULL, on_done_js, &h->tsfn));
  CHECK(napi_create_reference(env, cb, 1, &h->callback));
  CHECK(napi_create_external(env, h, finalize_handle, NULL, &external));
  CHECK(napi_create_reference(env, external, 1, &h->self));
  int rc = is_sender ? zc_sender_start(&h->t, &h->t.send, on_done_thread, h)
                     : zc_receiver_start(&h->t, &h->t.recv, on_done_thread, h);
  if (rc != 0) {
    napi_release_threadsafe_function(h->tsfn, napi_tsfn_abort);
    napi_delete_reference(env, h->callback);
    napi_delete_reference(env, h->self);
    h->joined = 1;
    napi_throw(env, make_error(env, &h->t.err));
    return NULL;
  }
  return external;
}

/* a macro's number as text, so a message says the bound the check uses */
#define ZC_STR_(x) #x
#define ZC_STR(x) ZC_STR_(x)

/* {uringDepth, uringSqpoll}: the io_uring settings, for the methods and mode that use a ring */
static const char *get_uring(napi_env env, napi_value cfg, zc_uring_config *u) {
  double num;
  napi_value v;
  if (get_num(env, cfg, "uringDepth", &num)) {
    if (num < 1 || num > ZC_URING_MAX_DEPTH || num != (double)(unsigned)num)
      return "uringDepth must be a whole number from 1 to " ZC_STR(ZC_URING_MAX_DEPTH);
    u->depth = (unsigned)num;
  }
  bool b = false;
  if (has(env, cfg, "uringSqpoll", &v)) napi_get_value_bool(env, v, &b);
  u->sqpoll = b;
  return NULL;
}

/* startSender({method, file, chunkBytes, target, connectTimeoutMs, confirmTimeoutMs, pmu,
 *              loop, limitBytes, durationMs, cpus, uringDepth, uringSqpoll}, cb) */
static napi_value start_sender(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], target;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) return throw_type(env, "startSender(config, callback)");
  handle *h = calloc(1, sizeof *h);
  if (!h) return throw_oom(env, "cannot allocate a sender");
  zc_sender_config *c = &h->t.send;
  char method[32];
  const char *why = NULL;
  double num;
  int idx = -1;
  if (get_str(env, argv[0], "method", method, sizeof method) > 0) idx = index_of(zc_method_names, ZC_METHOD_COUNT, method);
  c->method = (zc_method)(idx < 0 ? 0 : idx);
  int gpu = idx >= ZC_METHOD_GPU_COPY;
  c->gpu_device = -1;
  if (idx < 0)
    why = "method must be one of copy, mmap, sendfile, splice, msg-zerocopy, uring-send, uring-splice, uring-send-zc, "
          "gpu-copy, gpu-pinned, gpu-register, gpu-mapped, gpu-cufile, gpu-mem-pageable, gpu-mem-pinned";
  else if (get_str(env, argv[0], "file", c->file, sizeof c->file) <= 0)
    why = "file must be a path shorter than 4096 bytes";
  else if (gpu && (!get_num(env, argv[0], "gpuDevice", &num) || num < 0 || num != (double)(int)num))
    why = "a gpu-* method needs gpuDevice, a CUDA device index";
  else if (gpu && (c->gpu_device = (int)num) < 0)
    why = "gpuDevice must not be negative";
  else if (!gpu && (!has(env, argv[0], "target", &target) || parse_address(env, target, &c->target, &why)))
    why = why ? why : "target address is required";
  else if (parse_pmu(env, argv[0], &c->pmu))
    why = "pmu must be 'auto' or 'off'";
  else if (get_placement(env, argv[0], &c->placement))
    why = "cpus must be an array of CPU numbers";
  else why = get_uring(env, argv[0], &c->uring);
  if (why) {
    free(h);
    return throw_type(env, why);
  }
  napi_value v;
  bool loop = false;
  if (has(env, argv[0], "loop", &v)) napi_get_value_bool(env, v, &loop);
  c->loop = loop;
  bool flag = false;
  if (has(env, argv[0], "gpuSpin", &v)) napi_get_value_bool(env, v, &flag);
  c->gpu_spin = flag;
  flag = false;
  if (has(env, argv[0], "gpuVerify", &v)) napi_get_value_bool(env, v, &flag);
  c->gpu_verify = flag;
  c->limit_bytes = get_num(env, argv[0], "limitBytes", &num) && num >= 1 ? (uint64_t)num : 0;
  c->duration_ns = get_num(env, argv[0], "durationMs", &num) && num > 0 ? (uint64_t)(num * 1e6) : 0;
  c->chunk_bytes = get_num(env, argv[0], "chunkBytes", &num) && num >= 1 ? (uint64_t)num : ZC_DEFAULT_CHUNK_BYTES;
  c->connect_timeout_ms = get_num(env, argv[0], "connectTimeoutMs", &num) ? (int)num : 5000;
  c->confirm_timeout_ms = get_num(env, argv[0], "confirmTimeoutMs", &num) ? (int)num : 10000;
  return start_transfer(env, h, argv[1], 1);
}

/* startReceiver({mode, listenFd, bufferBytes, checksum, acceptTimeoutMs, pmu}, cb) */
static napi_value start_receiver(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], v;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) return throw_type(env, "startReceiver(config, callback)");
  handle *h = calloc(1, sizeof *h);
  if (!h) return throw_oom(env, "cannot allocate a receiver");
  zc_receiver_config *c = &h->t.recv;
  char mode[32];
  double num;
  const char *why = NULL;
  int idx = -1;
  if (get_str(env, argv[0], "mode", mode, sizeof mode) > 0) idx = index_of(zc_recv_mode_names, ZC_RECV_COUNT, mode);
  c->mode = (zc_recv_mode)(idx < 0 ? 0 : idx);
  if (idx < 0)
    why = "mode must be one of read, splice, discard, uring";
  else if (!get_num(env, argv[0], "listenFd", &num) || num < 0)
    why = "listenFd must be a listening socket from listen()";
  else if (parse_pmu(env, argv[0], &c->pmu))
    why = "pmu must be 'auto' or 'off'";
  if (!why && get_placement(env, argv[0], &c->placement)) why = "cpus must be an array of CPU numbers";
  if (!why) why = get_uring(env, argv[0], &c->uring);
  if (why) {
    free(h);
    return throw_type(env, why);
  }
  c->listen_fd = (int)num;
  c->buffer_bytes = get_num(env, argv[0], "bufferBytes", &num) && num >= 1 ? (uint64_t)num : ZC_DEFAULT_CHUNK_BYTES;
  c->accept_timeout_ms = get_num(env, argv[0], "acceptTimeoutMs", &num) ? (int)num : 10000;
  c->max_bytes = get_num(env, argv[0], "maxBytes", &num) && num > 0 ? (uint64_t)num : 0;
  if (get_str(env, argv[0], "expectedPeer", c->expected_peer, sizeof c->expected_peer) < 0) {
    free(h);
    return throw_type(env, "expectedPeer must be a numeric IP address");
  }
  bool b = false;
  if (has(env, argv[0], "checksum", &v)) napi_get_value_bool(env, v, &b);
  c->checksum = b;
  return start_transfer(env, h, argv[1], 0);
}

static napi_value progress(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle *h = argc ? get_handle(env, argv[0]) : NULL;
  if (!h) return throw_type(env, "progress(handle) needs a transfer handle");
  return progress_object(env, &h->t);
}

/* counters(handle, split = true) */
static napi_value counters(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  bool split = true;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc > 1) napi_get_value_bool(env, argv[1], &split);
  handle *h = argc ? get_handle(env, argv[0]) : NULL;
  if (!h) return throw_type(env, "counters(handle) needs a transfer handle");
  /* before the thread opened them there is nothing to read */
  if (atomic_load(&h->t.start_ns) == 0 || h->joined) {
    napi_value n;
    napi_get_null(env, &n);
    return n;
  }
  return counters_object(env, &h->t.counters, split);
}

static napi_value cancel(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle *h = argc ? get_handle(env, argv[0]) : NULL;
  if (!h) return throw_type(env, "cancel(handle) needs a transfer handle");
  if (!h->joined) zc_transfer_cancel(&h->t);
  return NULL;
}

/* listen({family, host, port, path, backlog}) -> {fd, port} */
static napi_value listen_fn(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) return throw_type(env, "listen(address)");
  zc_address a;
  const char *why = NULL;
  if (parse_address(env, argv[0], &a, &why)) return throw_type(env, why);
  double backlog = 16;
  get_num(env, argv[0], "backlog", &backlog);
  zc_error e = {0};
  int fd, port;
  if (zc_listen(&a, (int)backlog, &fd, &port, &e)) {
    napi_throw(env, make_error(env, &e));
    return NULL;
  }
  napi_create_object(env, &out);
  set_num(env, out, "fd", fd);
  set_num(env, out, "port", port);
  return out;
}

static napi_value close_fd(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  double fd;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_double(env, argv[0], &fd) != napi_ok || fd < 0)
    return throw_type(env, "closeFd(fd) needs a descriptor from listen()");
  close((int)fd);
  return NULL;
}

/* ---------- file work on the libuv pool: one-off, not the data path ---------- */

/* what a file job does, on a worker thread */
typedef enum {
  FILE_JOB_CRC,          /* crc32c of the file */
  FILE_JOB_EVICT,        /* drop it from the page cache */
  FILE_JOB_WARM,         /* read it into the page cache */
  FILE_JOB_CRC_REPEATED  /* crc32c of the file repeated to total_bytes */
} file_job_kind;

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  char path[4096];
  file_job_kind kind;
  uint64_t total_bytes;
  uint32_t crc;
  uint64_t bytes;
  zc_error err;
} file_job;

static void file_execute(napi_env env, void *data) {
  (void)env;
  file_job *j = data;
  if (j->kind == FILE_JOB_CRC) zc_file_crc32c(j->path, &j->crc, &j->bytes, &j->err);
  else if (j->kind == FILE_JOB_CRC_REPEATED) {
    if (zc_file_crc32c_repeated(j->path, j->total_bytes, &j->crc, &j->err) == 0) j->bytes = j->total_bytes;
  } else zc_file_cache(j->path, j->kind == FILE_JOB_WARM, &j->err);
}

static void file_complete(napi_env env, napi_status status, void *data) {
  (void)status;
  file_job *j = data;
  if (j->err.failed) {
    napi_reject_deferred(env, j->deferred, make_error(env, &j->err));
  } else {
    napi_value o;
    napi_create_object(env, &o);
    set_num(env, o, "crc32c", j->crc);
    set_num(env, o, "bytes", (double)j->bytes);
    napi_resolve_deferred(env, j->deferred, o);
  }
  napi_delete_async_work(env, j->work);
  free(j);
}

static napi_value file_op(napi_env env, napi_callback_info info, file_job_kind kind) {
  size_t argc = 2;
  napi_value argv[2], promise, name;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  file_job *j = calloc(1, sizeof *j);
  if (!j) return throw_oom(env, "cannot allocate a file job");
  size_t n = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], j->path, sizeof j->path, &n) != napi_ok ||
      n == 0 || n >= sizeof j->path - 1) {
    free(j);
    return throw_type(env, "a file path is required");
  }
  j->kind = kind;
  if (kind == FILE_JOB_CRC_REPEATED) {
    double total = -1;
    if (argc < 2 || napi_get_value_double(env, argv[1], &total) != napi_ok || total < 0 || total > 9007199254740991.0) {
      free(j);
      return throw_type(env, "fileCrc32cRepeated(path, totalBytes) needs a byte count");
    }
    j->total_bytes = (uint64_t)total;
  }
  CHECK(napi_create_promise(env, &j->deferred, &promise));
  CHECK(napi_create_string_utf8(env, "zcprof-file", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_async_work(env, NULL, name, file_execute, file_complete, j, &j->work));
  CHECK(napi_queue_async_work(env, j->work));
  return promise;
}

static napi_value file_crc(napi_env env, napi_callback_info info) { return file_op(env, info, FILE_JOB_CRC); }
static napi_value file_evict(napi_env env, napi_callback_info info) { return file_op(env, info, FILE_JOB_EVICT); }
static napi_value file_warm(napi_env env, napi_callback_info info) { return file_op(env, info, FILE_JOB_WARM); }
static napi_value file_crc_repeated(napi_env env, napi_callback_info info) {
  return file_op(env, info, FILE_JOB_CRC_REPEATED);
}

/* crc32cCombine(crcA, crcB, lengthB) */
static napi_value crc32c_combine_fn(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], out;
  double a, b, len;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3 || napi_get_value_double(env, argv[0], &a) != napi_ok ||
      napi_get_value_double(env, argv[1], &b) != napi_ok || napi_get_value_double(env, argv[2], &len) != napi_ok ||
      len < 0)
    return throw_type(env, "crc32cCombine(crcA, crcB, lengthB) needs three numbers");
  napi_create_double(env, zc_crc32c_combine((uint32_t)a, (uint32_t)b, (uint64_t)len), &out);
  return out;
}

/* the CPUs this process may run on: where threads can be pinned */
static napi_value allowed_cpus(napi_env env, napi_callback_info info) {
  (void)info;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0) CPU_ZERO(&set);
  return cpu_array(env, &set);
}

static napi_value crc32c_fn(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  void *data;
  size_t len;
  double seed = 0;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_buffer_info(env, argv[0], &data, &len) != napi_ok)
    return throw_type(env, "crc32c(buffer, seed?) needs a Buffer");
  if (argc > 1) napi_get_value_double(env, argv[1], &seed);
  napi_create_double(env, zc_crc32c((uint32_t)seed, data, len), &out);
  return out;
}

static napi_value pmu_probe(napi_env env, napi_callback_info info) {
  (void)info;
  char reason[200];
  int errnum = 0;
  int ok = zc_pmu_probe(reason, sizeof reason, &errnum) == 0;
  napi_value o;
  napi_create_object(env, &o);
  set_bool(env, o, "available", ok);
  if (!ok) {
    set_str(env, o, "reason", reason);
    set_num(env, o, "errno", errnum);
  }
  return o;
}

/* gpuProbe(device): the GPU's name, driver, PCIe link and NUMA node; throws (ZC_NO_GPU_DRIVER,
 * ZC_NO_GPU, ZC_CUDA) where there is none */
static napi_value gpu_probe(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], o;
  double device = 0;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_double(env, argv[0], &device) != napi_ok || device < 0 || device != (double)(int)device)
    return throw_type(env, "gpuProbe(device) needs a CUDA device index");
  zc_gpu_info g;
  zc_error e = {0};
  if (zc_gpu_probe((int)device, &g, &e)) {
    napi_throw(env, make_error(env, &e));
    return NULL;
  }
  napi_create_object(env, &o);
  set_num(env, o, "device", g.device);
  set_num(env, o, "deviceCount", g.device_count);
  set_str(env, o, "name", g.name);
  set_str(env, o, "pciBusId", g.pci_bus_id);
  set_num(env, o, "computeCapabilityMajor", g.cc_major);
  set_num(env, o, "computeCapabilityMinor", g.cc_minor);
  set_num(env, o, "memoryBytes", (double)g.memory_bytes);
  set_num(env, o, "driverApiVersion", g.driver_api_version);
  set_str(env, o, "driverVersion", g.driver_version);
  set_num(env, o, "pcieGen", g.pcie_gen);
  set_num(env, o, "pcieWidth", g.pcie_width);
  set_num(env, o, "pcieMaxGen", g.pcie_max_gen);
  set_num(env, o, "pcieMaxWidth", g.pcie_max_width);
  set_num(env, o, "numaNode", g.numa_node);
  set_bool(env, o, "canMapHostMemory", g.can_map_host);
  set_str(env, o, "cufile", g.cufile == 2 ? "gds" : g.cufile == 1 ? "compat" : "none");
  return o;
}

static napi_value now_ns(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  napi_create_double(env, (double)zc_now_ns(), &v);
  return v;
}

/* CPU time of the calling thread: what the sampler itself costs, not time spent preempted */
static napi_value thread_cpu_ns(napi_env env, napi_callback_info info) {
  (void)info;
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  napi_value v;
  napi_create_double(env, (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec, &v);
  return v;
}

/* _sendZcCqeKind(flags, res): test-only, what zc-send-uring.c makes of a SEND_ZC
 * completion with these fields, as {notification, copied, more} */
static napi_value sendzc_cqe_kind(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint32_t flags = 0;
  int32_t res = 0;
  if (argc < 2 || napi_get_value_uint32(env, argv[0], &flags) != napi_ok ||
      napi_get_value_int32(env, argv[1], &res) != napi_ok) {
    napi_throw_type_error(env, NULL, "_sendZcCqeKind(flags, res) takes two numbers");
    return NULL;
  }
  unsigned kind = zc_sendzc_cqe_kind(flags, res);
  napi_value o, b;
  napi_create_object(env, &o);
  napi_get_boolean(env, (kind & ZC_SENDZC_NOTIF) != 0, &b);
  napi_set_named_property(env, o, "notification", b);
  napi_get_boolean(env, (kind & ZC_SENDZC_COPIED) != 0, &b);
  napi_set_named_property(env, o, "copied", b);
  napi_get_boolean(env, (kind & ZC_SENDZC_MORE) != 0, &b);
  napi_set_named_property(env, o, "more", b);
  return o;
}

static napi_value init(napi_env env, napi_value exports) {
  zc_counters_init();
  napi_property_descriptor props[] = {
      {"startSender", NULL, start_sender, NULL, NULL, NULL, napi_default, NULL},
      {"startReceiver", NULL, start_receiver, NULL, NULL, NULL, napi_default, NULL},
      {"progress", NULL, progress, NULL, NULL, NULL, napi_default, NULL},
      {"counters", NULL, counters, NULL, NULL, NULL, napi_default, NULL},
      {"cancel", NULL, cancel, NULL, NULL, NULL, napi_default, NULL},
      {"listen", NULL, listen_fn, NULL, NULL, NULL, napi_default, NULL},
      {"closeFd", NULL, close_fd, NULL, NULL, NULL, napi_default, NULL},
      {"fileCrc32c", NULL, file_crc, NULL, NULL, NULL, napi_default, NULL},
      {"fileEvict", NULL, file_evict, NULL, NULL, NULL, napi_default, NULL},
      {"fileWarm", NULL, file_warm, NULL, NULL, NULL, napi_default, NULL},
      {"fileCrc32cRepeated", NULL, file_crc_repeated, NULL, NULL, NULL, napi_default, NULL},
      {"crc32cCombine", NULL, crc32c_combine_fn, NULL, NULL, NULL, napi_default, NULL},
      {"allowedCpus", NULL, allowed_cpus, NULL, NULL, NULL, napi_default, NULL},
      {"crc32c", NULL, crc32c_fn, NULL, NULL, NULL, napi_default, NULL},
      {"pmuProbe", NULL, pmu_probe, NULL, NULL, NULL, napi_default, NULL},
      {"gpuProbe", NULL, gpu_probe, NULL, NULL, NULL, napi_default, NULL},
      {"nowNs", NULL, now_ns, NULL, NULL, NULL, napi_default, NULL},
      {"threadCpuNs", NULL, thread_cpu_ns, NULL, NULL, NULL, napi_default, NULL},
      {"_sendZcCqeKind", NULL, sendzc_cqe_kind, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
