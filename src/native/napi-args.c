/* Reading and checking what JavaScript passed (napi-args.h). */
#include "napi-args.h"

#include <stdio.h>
#include <string.h>

napi_value throw_bad_argument(napi_env env, const char *message) {
  napi_throw_type_error(env, "ZC_BAD_ARGUMENT", message);
  return NULL;
}

static bool bad(napi_env env, const char *why) {
  throw_bad_argument(env, why);
  return false;
}

bool args_read(napi_env env, napi_callback_info info, size_t need, const char *usage, js_args *a) {
  a->env = env;
  a->argc = ARGS_MAX;
  if (napi_get_cb_info(env, info, &a->argc, a->argv, NULL, NULL) != napi_ok) {
    napi_throw_error(env, "ZC_NAPI", "Node-API call failed: napi_get_cb_info");
    return false;
  }
  return a->argc >= need || bad(env, usage);
}

/* the bounds first: a NaN fails them, and the cast below only sees numbers it can hold */
static bool whole_in(double v, double min, double max) {
  return v >= min && v <= max && v == (double)(int64_t)v;
}

bool js_whole(napi_env env, napi_value v, double min, double max, double *out) {
  double x;
  if (napi_get_value_double(env, v, &x) != napi_ok || !whole_in(x, min, max)) return false;
  *out = x;
  return true;
}

bool arg_whole(const js_args *a, size_t i, double min, double max, const char *why, double *out) {
  return (i < a->argc && js_whole(a->env, a->argv[i], min, max, out)) || bad(a->env, why);
}

bool arg_u32(const js_args *a, size_t i, const char *why, uint32_t *out) {
  return (i < a->argc && napi_get_value_uint32(a->env, a->argv[i], out) == napi_ok) || bad(a->env, why);
}

bool arg_i32(const js_args *a, size_t i, const char *why, int32_t *out) {
  return (i < a->argc && napi_get_value_int32(a->env, a->argv[i], out) == napi_ok) || bad(a->env, why);
}

/* v into buf whole: 1 read; 0 not a string; -1 longer than len - 1 bytes; -2 holds a
 * NUL (C would read a shorter string: a path cut there names another file). The full
 * length is asked first, as Node-API cuts a long string short without saying so, and
 * never mid-character, so the copied length alone cannot tell a cut string. */
static int read_string(napi_env env, napi_value v, char *buf, size_t len) {
  size_t full = 0, n = 0;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &full) != napi_ok) return 0;
  if (full > len - 1) return -1;
  if (napi_get_value_string_utf8(env, v, buf, len, &n) != napi_ok) return 0;
  return strlen(buf) == n ? 1 : -2;
}

/* name: a property's key, or an argument's own message followed by ": this one" */
static bool bad_string(napi_env env, const char *name, const char *sep, int r, size_t len) {
  char msg[256];
  if (r == -2)
    snprintf(msg, sizeof msg, "%s%s contains a NUL byte", name, sep);
  else
    snprintf(msg, sizeof msg, "%s%s is longer than %zu bytes", name, sep, len - 1);
  return bad(env, msg);
}

bool arg_string(const js_args *a, size_t i, char *buf, size_t len, const char *why) {
  int r = i < a->argc ? read_string(a->env, a->argv[i], buf, len) : 0;
  if (r < 0) return bad_string(a->env, why, ": this one", r, len);
  return (r > 0 && buf[0]) || bad(a->env, why);
}

bool arg_buffer(const js_args *a, size_t i, const char *why, void **data, size_t *len) {
  return (i < a->argc && napi_get_buffer_info(a->env, a->argv[i], data, len) == napi_ok) || bad(a->env, why);
}

bool arg_external(const js_args *a, size_t i, const char *why, void **out) {
  napi_valuetype t = napi_undefined;
  if (i < a->argc) napi_typeof(a->env, a->argv[i], &t);
  return (t == napi_external && napi_get_value_external(a->env, a->argv[i], out) == napi_ok) || bad(a->env, why);
}

uint32_t arg_u32_or(const js_args *a, size_t i, uint32_t fallback) {
  uint32_t v;
  return i < a->argc && napi_get_value_uint32(a->env, a->argv[i], &v) == napi_ok ? v : fallback;
}

bool arg_bool_or(const js_args *a, size_t i, bool fallback) {
  bool v;
  return i < a->argc && napi_get_value_bool(a->env, a->argv[i], &v) == napi_ok ? v : fallback;
}

bool prop_has(napi_env env, napi_value obj, const char *key, napi_value *out) {
  bool present = false;
  napi_has_named_property(env, obj, key, &present);
  if (!present) return false;
  napi_get_named_property(env, obj, key, out);
  napi_valuetype t;
  napi_typeof(env, *out, &t);
  return t != napi_undefined && t != napi_null;
}

bool prop_number(napi_env env, napi_value obj, const char *key, double *out) {
  napi_value v;
  return prop_has(env, obj, key, &v) && napi_get_value_double(env, v, out) == napi_ok;
}

int prop_string(napi_env env, napi_value obj, const char *key, char *buf, size_t len) {
  napi_value v;
  if (!prop_has(env, obj, key, &v)) return 0;
  int r = read_string(env, v, buf, len);
  if (r < 0) {
    bad_string(env, key, "", r, len);
    return -1;
  }
  return r;
}

bool prop_bool(napi_env env, napi_value obj, const char *key) {
  napi_value v;
  bool b = false;
  if (prop_has(env, obj, key, &v)) napi_get_value_bool(env, v, &b);
  return b;
}

bool prop_whole(napi_env env, napi_value obj, const char *key, bool required, double min, double max,
                const char *why, double *out) {
  napi_value v;
  if (!prop_has(env, obj, key, &v)) return !required || bad(env, why);
  return js_whole(env, v, min, max, out) || bad(env, why);
}

bool prop_enum(napi_env env, napi_value obj, const char *key, const char *const *names, int count, int fallback,
               const char *why, int *out) {
  char s[32];
  int r = prop_string(env, obj, key, s, sizeof s);
  if (r < 0) return false; /* thrown */
  if (r == 0 && fallback >= 0) {
    *out = fallback;
    return true;
  }
  for (int i = 0; r > 0 && i < count; i++)
    if (strcmp(names[i], s) == 0) {
      *out = i;
      return true;
    }
  return bad(env, why);
}
