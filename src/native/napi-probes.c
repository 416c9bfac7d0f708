/*
 * Node-API glue for what the engine asks of the machine around its transfers: the
 * CPUs it may pin to, whether the PMU counts, what a GPU is, and the clocks the
 * native loops stamp with.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <sched.h>
#include <time.h>

#include "napi-args.h"
#include "napi-exports.h"
#include "napi-values.h"
#include "zc.h"

/* the CPUs this process may run on: where threads can be pinned */
static napi_value allowed_cpus(napi_env env, napi_callback_info info) {
  (void)info;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0) CPU_ZERO(&set);
  return cpu_array(env, &set);
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
  js_args a;
  double device;
  if (!args_read(env, info, 0, NULL, &a) ||
      !arg_whole(&a, 0, 0, INT_MAX, "gpuProbe(device) needs a CUDA device index", &device))
    return NULL;
  zc_gpu_info g;
  zc_error e = {0};
  if (zc_gpu_probe((int)device, &g, &e)) return throw_zc_error(env, &e);
  napi_value o;
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
  set_bool(env, o, "dmaBufSupported", g.dma_buf);
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

napi_status define_probe_exports(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      EXPORT("allowedCpus", allowed_cpus),
      EXPORT("pmuProbe", pmu_probe),
      EXPORT("gpuProbe", gpu_probe),
      EXPORT("nowNs", now_ns),
      EXPORT("threadCpuNs", thread_cpu_ns),
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
