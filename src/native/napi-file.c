/*
 * Node-API glue for files and checksums: file work (crc32c, page cache) on the libuv
 * pool, one-off and not the data path, as promises; crc32c of a buffer, and the
 * combination of two crc32c values.
 */
#define _GNU_SOURCE
#include <stdlib.h>

#include "napi-args.h"
#include "napi-exports.h"
#include "napi-values.h"
#include "zc.h"

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
    napi_reject_deferred(env, j->deferred, error_value(env, &j->err));
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
  js_args a;
  napi_value promise, name;
  if (!args_read(env, info, 0, NULL, &a)) return NULL;
  file_job *j = calloc(1, sizeof *j);
  if (!j) return throw_oom(env, "cannot allocate a file job");
  double total = 0;
  if (!arg_string(&a, 0, j->path, sizeof j->path, "a file path is required") ||
      (kind == FILE_JOB_CRC_REPEATED &&
       !arg_whole(&a, 1, 0, JS_MAX_SAFE_INTEGER, "fileCrc32cRepeated(path, totalBytes) needs a byte count", &total))) {
    free(j);
    return NULL;
  }
  j->kind = kind;
  j->total_bytes = (uint64_t)total;
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
  static const char usage[] = "crc32cCombine(crcA, crcB, lengthB) needs three numbers";
  js_args a;
  uint32_t crc_a, crc_b;
  double len;
  if (!args_read(env, info, 3, usage, &a) || !arg_u32(&a, 0, usage, &crc_a) || !arg_u32(&a, 1, usage, &crc_b) ||
      !arg_whole(&a, 2, 0, JS_MAX_SAFE_INTEGER, usage, &len))
    return NULL;
  napi_value out;
  napi_create_double(env, zc_crc32c_combine(crc_a, crc_b, (uint64_t)len), &out);
  return out;
}

/* crc32c(buffer, seed = 0) */
static napi_value crc32c_fn(napi_env env, napi_callback_info info) {
  js_args a;
  void *data;
  size_t len;
  if (!args_read(env, info, 0, NULL, &a) || !arg_buffer(&a, 0, "crc32c(buffer, seed?) needs a Buffer", &data, &len))
    return NULL;
  napi_value out;
  napi_create_double(env, zc_crc32c(arg_u32_or(&a, 1, 0), data, len), &out);
  return out;
}

napi_status define_file_exports(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      EXPORT("fileCrc32c", file_crc),
      EXPORT("fileEvict", file_evict),
      EXPORT("fileWarm", file_warm),
      EXPORT("fileCrc32cRepeated", file_crc_repeated),
      EXPORT("crc32cCombine", crc32c_combine_fn),
      EXPORT("crc32c", crc32c_fn),
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
