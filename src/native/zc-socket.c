/* Address handling for both ends: numeric inet/inet6 and unix stream sockets. */
#define _GNU_SOURCE
#include "zc-loop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int to_sockaddr(const zc_address *a, struct sockaddr_storage *ss, socklen_t *len, zc_error *e) {
  memset(ss, 0, sizeof *ss);
  if (a->family == ZC_FAMILY_UNIX) {
    struct sockaddr_un *un = (struct sockaddr_un *)ss;
    if (strlen(a->path) >= sizeof un->sun_path) {
      zc_error_set(e, "ZC_BAD_ADDRESS", "unix socket path is longer than 107 bytes");
      return -1;
    }
    un->sun_family = AF_UNIX;
    strcpy(un->sun_path, a->path);
    *len = sizeof *un;
    return 0;
  }
  if (a->family == ZC_FAMILY_INET6) {
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons((uint16_t)a->port);
    if (inet_pton(AF_INET6, a->host, &s6->sin6_addr) != 1) goto bad;
    *len = sizeof *s6;
    return 0;
  }
  struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
  s4->sin_family = AF_INET;
  s4->sin_port = htons((uint16_t)a->port);
  if (inet_pton(AF_INET, a->host, &s4->sin_addr) != 1) goto bad;
  *len = sizeof *s4;
  return 0;
bad:;
  char msg[160];
  snprintf(msg, sizeof msg, "'%s' is not a numeric IP address", a->host);
  zc_error_set(e, "ZC_BAD_ADDRESS", msg);
  return -1;
}

int zc_sockaddr_port(const struct sockaddr_storage *ss) {
  if (ss->ss_family == AF_INET) return ntohs(((const struct sockaddr_in *)ss)->sin_port);
  if (ss->ss_family == AF_INET6) return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
  return 0;
}

static int domain_of(zc_family f) {
  return f == ZC_FAMILY_UNIX ? AF_UNIX : f == ZC_FAMILY_INET6 ? AF_INET6 : AF_INET;
}

int zc_listen(const zc_address *a, int backlog, int *out_fd, int *out_port, zc_error *e) {
  struct sockaddr_storage ss;
  socklen_t len;
  if (to_sockaddr(a, &ss, &len, e)) return -1;
  int fd = socket(domain_of(a->family), SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    zc_error_set_errno(e, "socket", errno, "cannot create the listening socket");
    return -1;
  }
  int one = 1;
  if (a->family != ZC_FAMILY_UNIX) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (a->family == ZC_FAMILY_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
    int err = errno;
    close(fd);
    zc_error_set_errno(e, "bind", err, "cannot bind the receiver's address");
    return -1;
  }
  if (listen(fd, backlog) < 0) {
    int err = errno;
    close(fd);
    zc_error_set_errno(e, "listen", err, "cannot listen");
    return -1;
  }
  *out_port = 0;
  if (a->family != ZC_FAMILY_UNIX) {
    struct sockaddr_storage got;
    socklen_t glen = sizeof got;
    getsockname(fd, (struct sockaddr *)&got, &glen);
    *out_port = zc_sockaddr_port(&got);
  }
  *out_fd = fd;
  return 0;
}

/* Non-blocking connect polled in short slices so that cancel and timeouts are honoured. */
int zc_connect(const zc_address *a, int timeout_ms, const atomic_int *cancel, _Atomic uint64_t *polls, int *out_fd,
               zc_error *e) {
  struct sockaddr_storage ss;
  socklen_t len;
  if (to_sockaddr(a, &ss, &len, e)) return -1;
  int fd = socket(domain_of(a->family), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    zc_error_set_errno(e, "socket", errno, "cannot create the data socket");
    return -1;
  }
  if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS && errno != EAGAIN) {
    int err = errno;
    close(fd);
    zc_error_set_errno(e, "connect", err, "cannot reach the receiver");
    return -1;
  }
  uint64_t deadline = zc_now_ns() + (uint64_t)timeout_ms * ZC_NS_PER_MS;
  for (;;) {
    struct pollfd p = {fd, POLLOUT, 0};
    int r = poll(&p, 1, ZC_POLL_SLICE_MS);
    if (polls) zc_bump(polls, 1);
    if (r > 0) break;
    if (r < 0 && errno != EINTR) {
      int err = errno;
      close(fd);
      zc_error_set_errno(e, "poll", err, "waiting for the connection failed");
      return -1;
    }
    if (atomic_load(cancel)) {
      close(fd);
      zc_error_set(e, "ZC_CANCELLED", "cancelled while connecting");
      return -1;
    }
    if (zc_now_ns() > deadline) {
      close(fd);
      zc_error_set_errno(e, "connect", ETIMEDOUT, "the receiver did not answer in time");
      return -1;
    }
  }
  int soerr = 0;
  socklen_t sl = sizeof soerr;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
  if (soerr) {
    close(fd);
    zc_error_set_errno(e, "connect", soerr, "cannot reach the receiver");
    return -1;
  }
  int fl = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  *out_fd = fd;
  return 0;
}
