/* What the addon hands back to JavaScript (napi-values.h). */
#define _GNU_SOURCE
#include "napi-values.h"

#include <errno.h>

void set_num(napi_env env, napi_value obj, const char *key, double v) {
  napi_value x;
  napi_create_double(env, v, &x);
  napi_set_named_property(env, obj, key, x);
}

void set_str(napi_env env, napi_value obj, const char *key, const char *s) {
  napi_value x;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &x);
  napi_set_named_property(env, obj, key, x);
}

void set_bool(napi_env env, napi_value obj, const char *key, int b) {
  napi_value x;
  napi_get_boolean(env, b != 0, &x);
  napi_set_named_property(env, obj, key, x);
}

napi_value cpu_array(napi_env env, const cpu_set_t *set) {
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

napi_value error_value(napi_env env, const zc_error *e) {
  napi_value msg, code, err;
  napi_create_string_utf8(env, e->message, NAPI_AUTO_LENGTH, &msg);
  napi_create_string_utf8(env, e->code, NAPI_AUTO_LENGTH, &code);
  napi_create_error(env, code, msg, &err);
  set_num(env, err, "errno", e->errnum);
  set_str(env, err, "syscall", e->syscall);
  return err;
}

napi_value throw_zc_error(napi_env env, const zc_error *e) {
  napi_throw(env, error_value(env, e));
  return NULL;
}

napi_value throw_oom(napi_env env, const char *what) {
  zc_error e = {0};
  zc_error_set_errno(&e, "calloc", ENOMEM, what);
  return throw_zc_error(env, &e);
}
