/* The addon's functions beyond the transfers, each defined by its own file; init
 * (napi-glue.c) adds them to the module's exports. */
#ifndef NAPI_EXPORTS_H
#define NAPI_EXPORTS_H

#include <node_api.h>

/* fileCrc32c, fileCrc32cRepeated, fileEvict, fileWarm, crc32c, crc32cCombine (napi-file.c) */
napi_status define_file_exports(napi_env env, napi_value exports);
/* pmuProbe, gpuProbe, allowedCpus, nowNs, threadCpuNs (napi-probes.c) */
napi_status define_probe_exports(napi_env env, napi_value exports);

#endif
