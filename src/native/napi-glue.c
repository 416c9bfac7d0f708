/*
 * Node-API glue for transfers: a sender's or receiver's config read into plain C,
 * the thread started, its progress and result handed back as objects, and the
 * hand-off from the transfer thread back to the JS thread; the listening sockets
 * they use. Then init, which defines every export. Argument checks are in
 * napi-args.c, what JS gets back in napi-values.c; everything else is plain C in zc-*.c.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "napi-args.h"
#include "napi-exports.h"
#include "napi-values.h"
#include "zc-uring.h"
#include "zc.h"

typedef struct {
  zc_transfer t;
  napi_threadsafe_function tsfn;
  napi_ref callback;
  napi_ref self;        /* keeps the handle alive until the thread is done */
  int joined;
} handle;

#define ZC_STR_(x) #x
#define ZC_STR(x) ZC_STR_(x)

/* ---------- what a transfer reports ---------- */

static napi_value seen_array(napi_env env, zc_cpu_trace *trace) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int cpu = 0; cpu < ZC_MAX_CPUS && cpu < CPU_SETSIZE; cpu++)
    if (atomic_load_explicit(&trace->seen[cpu / 64], memory_order_relaxed) & (1ull << (cpu % 64))) CPU_SET(cpu, &set);
  return cpu_array(env, &set);
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
  /* the mapped receiver's split of the bytes, as the kernel answered: only for that mode */
  if (!t->is_sender && t->recv.mode == ZC_RECV_MAPPED) {
    set_num(env, o, "receiveMappedBytes", (double)atomic_load(&t->recv_mapped_bytes));
    set_num(env, o, "receiveCopiedBytes", (double)atomic_load(&t->recv_copied_bytes));
  }
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
  int gpu_recv = !t->is_sender && t->recv.mode >= ZC_RECV_GPU_PAGEABLE;
  if ((t->is_sender && t->send.method >= ZC_METHOD_GPU_COPY) || gpu_recv) {
    napi_value g;
    napi_create_object(env, &g);
    set_num(env, g, "device", t->is_sender ? t->send.gpu_device : t->recv.gpu_device);
    set_num(env, g, "gpuNs", (double)t->gpu.gpu_ns);
    set_num(env, g, "setupNs", (double)t->gpu.setup_ns);
    set_num(env, g, "pinNs", (double)t->gpu.pin_ns);
    set_num(env, g, "unpinNs", (double)t->gpu.unpin_ns);
    set_num(env, g, "deviceBytes", (double)t->gpu.device_bytes);
    set_str(env, g, "wait", t->gpu.sync_blocking ? "blocking" : "spin");
    if (t->gpu.storage_mode) set_str(env, g, "storage", t->gpu.storage_mode == 2 ? "gds" : "compat");
    set_bool(env, g, "verified", t->gpu.verified);
    set_num(env, g, "verifiedBytes", (double)t->gpu.verified_bytes);
    if (gpu_recv) {
      set_num(env, g, "copiedBytes", (double)t->gpu.copied_bytes);
      set_num(env, g, "copies", (double)t->gpu.copies);
    }
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
    args[0] = error_value(env, &h->t.err);
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

static napi_value start_transfer(napi_env env, handle *h, napi_value cb, int is_sender) {
  napi_value name, external;
  napi_valuetype cbt;
  napi_typeof(env, cb, &cbt);
  if (cbt != napi_function) {
    free(h);
    return throw_bad_argument(env, "the last argument must be a completion callback");
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
    return throw_zc_error(env, &h->t.err);
  }
  return external;
}

/* ---------- a transfer's config ---------- */

static const char *const pmu_names[] = {[ZC_PMU_AUTO] = "auto", [ZC_PMU_OFF] = "off"};
static const char *const family_names[] = {[ZC_FAMILY_INET] = "inet", [ZC_FAMILY_INET6] = "inet6",
                                           [ZC_FAMILY_UNIX] = "unix"};

static bool read_pmu(napi_env env, napi_value cfg, zc_pmu_mode *out) {
  int idx;
  if (!prop_enum(env, cfg, "pmu", pmu_names, 2, ZC_PMU_AUTO, "pmu must be 'auto' or 'off'", &idx)) return false;
  *out = (zc_pmu_mode)idx;
  return true;
}

/* {family, host, port} or {family: 'unix', path} */
static bool read_address(napi_env env, napi_value cfg, zc_address *a) {
  int family;
  double port;
  memset(a, 0, sizeof *a);
  if (!prop_enum(env, cfg, "family", family_names, 3, -1, "address.family must be 'inet', 'inet6' or 'unix'",
                 &family))
    return false;
  a->family = (zc_family)family;
  if (family == ZC_FAMILY_UNIX) {
    int r = prop_string(env, cfg, "path", a->path, sizeof a->path);
    if (r > 0) return true;
    if (r == 0) throw_bad_argument(env, "address.path must be a unix socket path shorter than 108 bytes");
    return false;
  }
  static const char why[] = "address needs a numeric host and a port in 0..65535";
  int r = prop_string(env, cfg, "host", a->host, sizeof a->host);
  if (r <= 0) {
    if (r == 0) throw_bad_argument(env, why);
    return false;
  }
  if (!prop_whole(env, cfg, "port", true, 0, 65535, why, &port)) return false;
  a->port = (int)port;
  return true;
}

/* cpus: [0, 2, …] → a pinned placement; absent or empty: not pinned */
static bool read_placement(napi_env env, napi_value cfg, zc_placement *out) {
  static const char why[] = "cpus must be an array of CPU numbers";
  napi_value v;
  bool is_array = false;
  uint32_t n = 0;
  memset(out, 0, sizeof *out);
  if (!prop_has(env, cfg, "cpus", &v)) return true;
  napi_is_array(env, v, &is_array);
  if (!is_array) {
    throw_bad_argument(env, why);
    return false;
  }
  napi_get_array_length(env, v, &n);
  if (n == 0) return true;
  CPU_ZERO(&out->cpus);
  for (uint32_t i = 0; i < n; i++) {
    napi_value x;
    double cpu;
    if (napi_get_element(env, v, i, &x) != napi_ok || !js_whole(env, x, 0, ZC_MAX_CPUS - 1, &cpu)) {
      throw_bad_argument(env, why);
      return false;
    }
    CPU_SET((int)cpu, &out->cpus);
  }
  out->pinned = 1;
  return true;
}

static bool read_uring(napi_env env, napi_value cfg, zc_uring_config *u) {
  double depth = u->depth;
  if (!prop_whole(env, cfg, "uringDepth", false, 1, ZC_URING_MAX_DEPTH,
                  "uringDepth must be a whole number from 1 to " ZC_STR(ZC_URING_MAX_DEPTH), &depth))
    return false;
  u->depth = (unsigned)depth;
  u->sqpoll = prop_bool(env, cfg, "uringSqpoll");
  return true;
}

/* {method, file, chunkBytes, target | gpuDevice, connectTimeoutMs, confirmTimeoutMs, pmu,
 *  loop, limitBytes, durationMs, cpus, uringDepth, uringSqpoll, gpuSpin, gpuVerify} */
/* numeric options' messages, with their bounds: INT_MAX milliseconds, a byte count
 * a JS number holds exactly (JS_MAX_SAFE_INTEGER), a chunk of at most ZC_PIPE_MAX_BYTES */
#define WHY_MS(key) key " must be a whole number of milliseconds from 0 to 2147483647"
#define WHY_BYTES(key) key " must be a whole number of bytes from 0 (no limit) to 9007199254740991"
#define WHY_CHUNK(key) key " must be a whole number of bytes from 1 to 1073741824"

static bool read_sender(napi_env env, napi_value cfg, zc_sender_config *c) {
  int method;
  double num;
  napi_value target;
  if (!prop_enum(env, cfg, "method", zc_method_names, ZC_METHOD_COUNT, -1,
                 "method must be one of copy, mmap, sendfile, splice, msg-zerocopy, uring-send, uring-splice, "
                 "uring-send-zc, gpu-copy, gpu-pinned, gpu-register, gpu-mapped, gpu-cufile, gpu-mem-pageable, "
                 "gpu-mem-pinned",
                 &method))
    return false;
  c->method = (zc_method)method;
  int gpu = method >= ZC_METHOD_GPU_COPY;
  c->gpu_device = -1;
  int r = prop_string(env, cfg, "file", c->file, sizeof c->file);
  if (r <= 0) {
    if (r == 0) throw_bad_argument(env, "file must be a path shorter than 4096 bytes");
    return false;
  }
  if (gpu) {
    if (!prop_whole(env, cfg, "gpuDevice", true, 0, INT_MAX, "a gpu-* method needs gpuDevice, a CUDA device index",
                    &num))
      return false;
    c->gpu_device = (int)num;
  } else if (!prop_has(env, cfg, "target", &target)) {
    throw_bad_argument(env, "target address is required");
    return false;
  } else if (!read_address(env, target, &c->target)) {
    return false;
  }
  if (!read_pmu(env, cfg, &c->pmu) || !read_placement(env, cfg, &c->placement) || !read_uring(env, cfg, &c->uring))
    return false;
  c->loop = prop_bool(env, cfg, "loop");
  c->gpu_spin = prop_bool(env, cfg, "gpuSpin");
  c->gpu_verify = prop_bool(env, cfg, "gpuVerify");
  /* whole numbers in what the C fields hold: a cast of Infinity, NaN or 1e300 is
   * undefined, and a fraction would be cut silently. 0 bytes or ms: no bound */
  double limit = 0, duration = 0, chunk = ZC_DEFAULT_CHUNK_BYTES, connect_ms = 5000, confirm_ms = 10000;
  if (!prop_whole(env, cfg, "limitBytes", false, 0, JS_MAX_SAFE_INTEGER, WHY_BYTES("limitBytes"), &limit) ||
      !prop_whole(env, cfg, "durationMs", false, 0, INT_MAX, WHY_MS("durationMs"), &duration) ||
      !prop_whole(env, cfg, "chunkBytes", false, 1, ZC_PIPE_MAX_BYTES, WHY_CHUNK("chunkBytes"), &chunk) ||
      !prop_whole(env, cfg, "connectTimeoutMs", false, 0, INT_MAX, WHY_MS("connectTimeoutMs"), &connect_ms) ||
      !prop_whole(env, cfg, "confirmTimeoutMs", false, 0, INT_MAX, WHY_MS("confirmTimeoutMs"), &confirm_ms))
    return false;
  c->limit_bytes = (uint64_t)limit;
  c->duration_ns = (uint64_t)duration * 1000000u;
  c->chunk_bytes = (uint64_t)chunk;
  c->connect_timeout_ms = (int)connect_ms;
  c->confirm_timeout_ms = (int)confirm_ms;
  return true;
}

/* {mode, listenFd, bufferBytes, checksum, acceptTimeoutMs, pmu, maxBytes, expectedPeer,
 *  cpus, uringDepth, uringSqpoll, gpuDevice} */
static bool read_receiver(napi_env env, napi_value cfg, zc_receiver_config *c) {
  int mode;
  double num;
  if (!prop_enum(env, cfg, "mode", zc_recv_mode_names, ZC_RECV_COUNT, -1,
                 "mode must be one of read, splice, discard, uring, mapped, gpu-pageable, gpu-pinned, gpu-mapped",
                 &mode) ||
      !prop_whole(env, cfg, "listenFd", true, 0, INT_MAX, "listenFd must be a listening socket from listen()", &num) ||
      !read_pmu(env, cfg, &c->pmu) || !read_placement(env, cfg, &c->placement) || !read_uring(env, cfg, &c->uring))
    return false;
  c->mode = (zc_recv_mode)mode;
  c->listen_fd = (int)num;
  double buffer = ZC_DEFAULT_CHUNK_BYTES, accept_ms = 10000, max = 0;
  if (!prop_whole(env, cfg, "bufferBytes", false, 1, ZC_PIPE_MAX_BYTES, WHY_CHUNK("bufferBytes"), &buffer) ||
      !prop_whole(env, cfg, "acceptTimeoutMs", false, 0, INT_MAX, WHY_MS("acceptTimeoutMs"), &accept_ms) ||
      !prop_whole(env, cfg, "maxBytes", false, 0, JS_MAX_SAFE_INTEGER, WHY_BYTES("maxBytes"), &max))
    return false;
  c->buffer_bytes = (uint64_t)buffer;
  c->accept_timeout_ms = (int)accept_ms;
  c->max_bytes = (uint64_t)max;
  double gpu = 0;
  if (!prop_whole(env, cfg, "gpuDevice", false, 0, INT_MAX, "gpuDevice must be a CUDA device index (0, 1, …)", &gpu))
    return false;
  c->gpu_device = (int)gpu;
  if (prop_string(env, cfg, "expectedPeer", c->expected_peer, sizeof c->expected_peer) < 0) return false;
  c->checksum = prop_bool(env, cfg, "checksum");
  return true;
}

/* ---------- the transfer functions ---------- */

/* startSender(config, callback) */
static napi_value start_sender(napi_env env, napi_callback_info info) {
  js_args a;
  if (!args_read(env, info, 2, "startSender(config, callback)", &a)) return NULL;
  handle *h = calloc(1, sizeof *h);
  if (!h) return throw_oom(env, "cannot allocate a sender");
  if (!read_sender(env, a.argv[0], &h->t.send)) {
    free(h);
    return NULL;
  }
  return start_transfer(env, h, a.argv[1], 1);
}

/* startReceiver(config, callback) */
static napi_value start_receiver(napi_env env, napi_callback_info info) {
  js_args a;
  if (!args_read(env, info, 2, "startReceiver(config, callback)", &a)) return NULL;
  handle *h = calloc(1, sizeof *h);
  if (!h) return throw_oom(env, "cannot allocate a receiver");
  if (!read_receiver(env, a.argv[0], &h->t.recv)) {
    free(h);
    return NULL;
  }
  return start_transfer(env, h, a.argv[1], 0);
}

static napi_value progress(napi_env env, napi_callback_info info) {
  js_args a;
  void *h;
  if (!args_read(env, info, 0, NULL, &a) || !arg_external(&a, 0, "progress(handle) needs a transfer handle", &h))
    return NULL;
  return progress_object(env, &((handle *)h)->t);
}

/* counters(handle, split = true) */
static napi_value counters(napi_env env, napi_callback_info info) {
  js_args a;
  void *p;
  if (!args_read(env, info, 0, NULL, &a) || !arg_external(&a, 0, "counters(handle) needs a transfer handle", &p))
    return NULL;
  handle *h = p;
  /* before the thread opened them there is nothing to read */
  if (atomic_load(&h->t.start_ns) == 0 || h->joined) {
    napi_value n;
    napi_get_null(env, &n);
    return n;
  }
  return counters_object(env, &h->t.counters, arg_bool_or(&a, 1, true));
}

static napi_value cancel(napi_env env, napi_callback_info info) {
  js_args a;
  void *p;
  if (!args_read(env, info, 0, NULL, &a) || !arg_external(&a, 0, "cancel(handle) needs a transfer handle", &p))
    return NULL;
  handle *h = p;
  if (!h->joined) zc_transfer_cancel(&h->t);
  return NULL;
}

/* listen({family, host, port, path, backlog}) -> {fd, port} */
static napi_value listen_fn(napi_env env, napi_callback_info info) {
  js_args a;
  zc_address addr;
  if (!args_read(env, info, 1, "listen(address)", &a) || !read_address(env, a.argv[0], &addr)) return NULL;
  double backlog = 16;
  if (!prop_whole(env, a.argv[0], "backlog", false, 0, INT_MAX, "backlog must be a whole number from 0 to 2147483647",
                  &backlog))
    return NULL;
  zc_error e = {0};
  int fd, port;
  if (zc_listen(&addr, (int)backlog, &fd, &port, &e)) return throw_zc_error(env, &e);
  napi_value out;
  napi_create_object(env, &out);
  set_num(env, out, "fd", fd);
  set_num(env, out, "port", port);
  return out;
}

static napi_value close_fd(napi_env env, napi_callback_info info) {
  js_args a;
  double fd;
  if (!args_read(env, info, 0, NULL, &a) ||
      !arg_whole(&a, 0, 0, INT_MAX, "closeFd(fd) needs a descriptor from listen()", &fd))
    return NULL;
  close((int)fd);
  return NULL;
}

/* _sendZcCqeKind(flags, res): test-only, what zc-send-uring.c makes of a SEND_ZC
 * completion with these fields, as {notification, copied, more} */
static napi_value sendzc_cqe_kind(napi_env env, napi_callback_info info) {
  static const char usage[] = "_sendZcCqeKind(flags, res) takes two numbers";
  js_args a;
  uint32_t flags;
  int32_t res;
  if (!args_read(env, info, 2, usage, &a) || !arg_u32(&a, 0, usage, &flags) || !arg_i32(&a, 1, usage, &res))
    return NULL;
  unsigned kind = zc_sendzc_cqe_kind(flags, res);
  napi_value o;
  napi_create_object(env, &o);
  set_bool(env, o, "notification", kind & ZC_SENDZC_NOTIF);
  set_bool(env, o, "copied", kind & ZC_SENDZC_COPIED);
  set_bool(env, o, "more", kind & ZC_SENDZC_MORE);
  return o;
}

static napi_value init(napi_env env, napi_value exports) {
  zc_counters_init();
  const napi_property_descriptor props[] = {
      EXPORT("startSender", start_sender),
      EXPORT("startReceiver", start_receiver),
      EXPORT("progress", progress),
      EXPORT("counters", counters),
      EXPORT("cancel", cancel),
      EXPORT("listen", listen_fn),
      EXPORT("closeFd", close_fd),
      EXPORT("_sendZcCqeKind", sendzc_cqe_kind),
  };
  CHECK(napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  CHECK(define_file_exports(env, exports));
  CHECK(define_probe_exports(env, exports));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
