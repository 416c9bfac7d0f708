/*
 * What the addon hands back to JavaScript: object fields, CPU lists, and errors that
 * carry code + errno + syscall as zc_error records them.
 */
#ifndef NAPI_VALUES_H
#define NAPI_VALUES_H

#include <node_api.h>

#include "zc.h"

/* a Node-API call that should not fail: when it does, throw ZC_NAPI naming it and return NULL */
#define CHECK(call)                                                      \
  do {                                                                   \
    if ((call) != napi_ok) {                                             \
      napi_throw_error(env, "ZC_NAPI", "Node-API call failed: " #call);  \
      return NULL;                                                       \
    }                                                                    \
  } while (0)

/* an addon function as init lists it */
#define EXPORT(name, fn) {name, NULL, fn, NULL, NULL, NULL, napi_default, NULL}

void set_num(napi_env env, napi_value obj, const char *key, double v);
void set_str(napi_env env, napi_value obj, const char *key, const char *s);
void set_bool(napi_env env, napi_value obj, const char *key, int b);

/* the CPUs in set, as an array of numbers in ascending order */
napi_value cpu_array(napi_env env, const cpu_set_t *set);

/* an Error with e's code, errno and syscall */
napi_value error_value(napi_env env, const zc_error *e);
/* throws error_value(e); NULL, for a callback to return */
napi_value throw_zc_error(napi_env env, const zc_error *e);
/* out of memory is an Error with code, errno and syscall like any failed call, not a
 * TypeError: nothing the caller passed was wrong */
napi_value throw_oom(napi_env env, const char *what);

#endif
