/*
 * What JavaScript passed to the addon, read and checked in one place. Each helper
 * takes what it needs, or throws a TypeError with code ZC_BAD_ARGUMENT and the
 * message it was given (what was expected: the argument and its range) and returns
 * false, so a caller returns at once.
 */
#ifndef NAPI_ARGS_H
#define NAPI_ARGS_H

#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* the largest integer a JS number holds exactly (Number.MAX_SAFE_INTEGER) */
#define JS_MAX_SAFE_INTEGER 9007199254740991.0
/* the most arguments an addon function reads */
#define ARGS_MAX 3

typedef struct {
  napi_env env;
  size_t argc;
  napi_value argv[ARGS_MAX];
} js_args;

/* throws `message` as a ZC_BAD_ARGUMENT TypeError; NULL, for a callback to return */
napi_value throw_bad_argument(napi_env env, const char *message);

/* the call's arguments; fewer than `need` throws `usage` */
bool args_read(napi_env env, napi_callback_info info, size_t need, const char *usage, js_args *a);

/* argument i, a number that is a whole number from min to max */
bool arg_whole(const js_args *a, size_t i, double min, double max, const char *why, double *out);
/* argument i, any number, as `x >>> 0` and `x | 0` take it: for bit patterns (flags, CRCs) */
bool arg_u32(const js_args *a, size_t i, const char *why, uint32_t *out);
bool arg_i32(const js_args *a, size_t i, const char *why, int32_t *out);
/* argument i, a string of 1 to len - 1 bytes with no NUL in it; a longer one or one
 * with a NUL throws "<why>: this one is longer than N bytes" / "…: this one contains a NUL byte" */
bool arg_string(const js_args *a, size_t i, char *buf, size_t len, const char *why);
/* argument i, a Buffer or Uint8Array */
bool arg_buffer(const js_args *a, size_t i, const char *why, void **data, size_t *len);
/* argument i, an external (a handle this addon made) */
bool arg_external(const js_args *a, size_t i, const char *why, void **out);
/* optional argument i: `fallback` when absent or not of its type */
uint32_t arg_u32_or(const js_args *a, size_t i, uint32_t fallback);
bool arg_bool_or(const js_args *a, size_t i, bool fallback);

/* A config object's properties: undefined and null read as absent. */
bool prop_has(napi_env env, napi_value obj, const char *key, napi_value *out);
/* present and a number */
bool prop_number(napi_env env, napi_value obj, const char *key, double *out);
/* 1: read; 0: absent or not a string; -1: thrown, "<key> is longer than len - 1
 * bytes" or "<key> contains a NUL byte" (the caller returns at once) */
int prop_string(napi_env env, napi_value obj, const char *key, char *buf, size_t len);
/* present and true */
bool prop_bool(napi_env env, napi_value obj, const char *key);
/* a whole number from min to max; absent leaves *out as it is, and throws only when required */
bool prop_whole(napi_env env, napi_value obj, const char *key, bool required, double min, double max,
                const char *why, double *out);
/* one of names, as its index; absent (or not a string): `fallback`, or throws when that is -1 */
bool prop_enum(napi_env env, napi_value obj, const char *key, const char *const *names, int count, int fallback,
               const char *why, int *out);

/* a value that is a whole number from min to max (no throw) */
bool js_whole(napi_env env, napi_value v, double min, double max, double *out);

#endif
