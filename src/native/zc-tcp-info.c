/* TCP_INFO lives in its own file: <linux/tcp.h> clashes with <netinet/tcp.h>. */
#define _GNU_SOURCE
#include "zc.h"

#include <linux/tcp.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

void zc_tcp_info_read(int fd, zc_tcp_info *out) {
  struct tcp_info ti;
  socklen_t len = sizeof ti;
  memset(out, 0, sizeof *out);
  memset(&ti, 0, sizeof ti);
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0) return;
  out->valid = 1;
  out->rtt_us = ti.tcpi_rtt;
  out->rttvar_us = ti.tcpi_rttvar;
  out->snd_cwnd = ti.tcpi_snd_cwnd;
  out->snd_mss = ti.tcpi_snd_mss;
  out->total_retrans = ti.tcpi_total_retrans;
  /* the *_limited fields came with Linux 4.10; a shorter struct leaves them zero */
  out->busy_us = ti.tcpi_busy_time;
  out->rwnd_limited_us = ti.tcpi_rwnd_limited;
  out->sndbuf_limited_us = ti.tcpi_sndbuf_limited;
  out->delivery_rate_bytes_per_sec = ti.tcpi_delivery_rate;
}
