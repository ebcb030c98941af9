/*
 * A native fan-out load: RECEIVERS connections that only read, and SENDERS connections that write LINES lines
 * (their shares) of SIZE text bytes and a newline in 4 KB writes, all to 127.0.0.1:PORT: at full speed, or
 * with RATE, that many lines/s over all senders (what is due, every millisecond). Every
 * connection waits for its greeting first (dualchat puts a client in the room before greeting it), so every
 * line is relayed to every receiver. Counts the relayed lines the receivers read: lines that end with the
 * load's text, so that server notices (joins, "you missed N lines") are not counted; senders read and drop
 * whatever they are sent. One thread, epoll, no allocation per line: it costs far less per line than the
 * server, so the figure is the server's fan-out, not the generator's reading.
 * When every line is written, it waits until the receivers have read LINES x RECEIVERS lines or have read
 * nothing for QUIET_MS, then every connection half-closes and reads to the end before closing (so no reset
 * discards anything). Bounded by MAX_SECONDS.
 * Usage: fanout PORT RECEIVERS SENDERS LINES [SIZE=64] [MAX_SECONDS=60] [QUIET_MS=2000] [RATE=0]
 * Prints: sent=N sent_per_s=R relayed=N expected=N missed_pct=P relayed_per_s=R cpu_s=C
 *   relayed_per_s is the receivers' lines from the first write to the last line read; cpu_s its own CPU.
 */
#include "common.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#define CHUNK 4096
#define TAIL 8

struct conn {
    int fd, sender, greeted, closed_write, done;
    long long left, written;
    long line_off; /* bytes of the current line already written */
    /* The last TAIL bytes read, for a line whose end comes in the next read. */
    char tail[TAIL];
    int tail_len;
};

static char text_end[TAIL];

/* Relayed lines of the load in buf[0..n): lines whose last TAIL bytes before the newline are the load's. */
static long long count_relayed(struct conn *c, const char *buf, ssize_t n) {
    long long lines = 0;
    const char *p = buf, *end = buf + n;
    while ((p = memchr(p, '\n', end - p)) != NULL) {
        long before = p - buf;
        if (before >= TAIL) {
            lines += memcmp(p - TAIL, text_end, TAIL) == 0;
        } else if (before + c->tail_len >= TAIL) {
            char last[TAIL];
            int from_tail = TAIL - (int) before;
            memcpy(last, c->tail + c->tail_len - from_tail, from_tail);
            memcpy(last + from_tail, buf, before);
            lines += memcmp(last, text_end, TAIL) == 0;
        }
        p++;
    }
    /* Keep the last TAIL bytes. */
    if (n >= TAIL) {
        memcpy(c->tail, end - TAIL, TAIL);
        c->tail_len = TAIL;
    } else {
        int keep = c->tail_len + n > TAIL ? TAIL - (int) n : c->tail_len;
        memmove(c->tail, c->tail + c->tail_len - keep, keep);
        memcpy(c->tail + keep, buf, n);
        c->tail_len = keep + (int) n;
    }
    return lines;
}

/*
 * Writes up to `max` lines (of the connection's `left`) in 4 KB writes, without blocking: a write the socket
 * cuts short leaves the rest of its line (line_off) for the next call, so lines stay whole and the thread never
 * waits on one socket. Returns the lines completed; -1 if the connection failed.
 */
static long long write_lines(struct conn *x, long long max, const char *chunk, int per_chunk, long size) {
    long long done = 0;
    long line = size + 1;
    while (done < max || x->line_off > 0) {
        long long l = max - done < per_chunk ? max - done : per_chunk;
        if (l < 1) l = 1; /* only the rest of a cut line */
        size_t want = l * line - x->line_off;
        ssize_t w = write(x->fd, chunk + x->line_off, want);
        if (w < 0) {
            if (errno == EAGAIN || errno == EINTR) break;
            return -1;
        }
        long long whole = (x->line_off + w) / line;
        x->line_off = (x->line_off + w) % line;
        done += whole;
        if ((size_t) w < want) break;
    }
    x->left -= done;
    x->written += done;
    return done;
}

/* A connection that ended (read 0 or an error): closed; a sender that had lines left will write no more. */
static void fail(struct conn *x, int ep, int *open, int *writing, double *all_written, double closing,
                 int *ended_early) {
    if (!closing) (*ended_early)++;
    epoll_ctl(ep, EPOLL_CTL_DEL, x->fd, NULL);
    close(x->fd);
    x->done = 1;
    (*open)--;
    if (x->sender && x->left > 0) {
        x->left = 0;
        if (*writing > 0 && --*writing == 0) *all_written = now_s();
    }
}

static double cpu_s(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: fanout PORT RECEIVERS SENDERS LINES [SIZE=64] [MAX_SECONDS=60] [QUIET_MS=2000] [RATE=0]\n");
        return 2;
    }
    int port = arg_long(argv[1], "port");
    int receivers = arg_long(argv[2], "receivers");
    int senders = arg_long(argv[3], "senders");
    long long lines = arg_long(argv[4], "lines");
    long size = argc > 5 ? arg_long(argv[5], "size") : 64;
    double max_s = argc > 6 ? arg_long(argv[6], "seconds") : 60;
    double quiet_s = (argc > 7 ? arg_long(argv[7], "quiet_ms") : 2000) / 1000.0;
    double rate = argc > 8 ? arg_long(argv[8], "rate") : 0;
    int conns = receivers + senders;
    if (receivers < 1 || senders < 1 || conns > 10000 || size < TAIL || size + 1 > CHUNK) {
        fprintf(stderr, "bad receivers, senders or size\n");
        return 2;
    }

    int per_chunk;
    char *chunk = line_chunk(CHUNK, size, &per_chunk);
    memcpy(text_end, chunk + size - TAIL, TAIL);

    signal(SIGPIPE, SIG_IGN); /* a connection the server closed is an error to count, not the end */
    double deadline = now_s() + max_s;
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    int ep = epoll_create1(0);
    if (ep < 0) die("epoll_create1");
    struct conn *c = calloc(conns, sizeof *c);
    for (int i = 0; i < conns; i++) {
        c[i].fd = socket(AF_INET, SOCK_STREAM, 0);
        if (c[i].fd < 0) die("socket");
        if (connect(c[i].fd, (struct sockaddr *) &to, sizeof to) < 0) die("connect");
        int one = 1;
        setsockopt(c[i].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fcntl(c[i].fd, F_SETFL, O_NONBLOCK);
        c[i].sender = i >= receivers;
        c[i].left = c[i].sender ? lines / senders + ((i - receivers) < lines % senders) : 0;
        struct epoll_event e = { .events = EPOLLIN, .data.u32 = i };
        if (epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &e) < 0) die("epoll_ctl");
    }

    static char rbuf[1 << 16];
    struct epoll_event ev[256];
    int greeted = 0, writing = 0, open = conns, ended_early = 0;
    long long sent = 0, relayed = 0;
    double start = 0, last_read = 0, cpu0 = 0, all_written = 0, closing = 0;
    while (open > 0 && now_s() < deadline) {
        double now = now_s();
        /* The load is over: everything read, or nothing read for quiet_s since the last line was written. */
        if (!closing && all_written > 0
                && (relayed >= sent * receivers || now - (last_read > all_written ? last_read : all_written) > quiet_s)) {
            closing = now;
            for (int i = 0; i < conns; i++) {
                if (!c[i].done && !c[i].closed_write) { shutdown(c[i].fd, SHUT_WR); c[i].closed_write = 1; }
            }
        }
        int n = epoll_wait(ep, ev, 256, rate > 0 && writing > 0 ? 1 : 50);
        if (n < 0 && errno != EINTR) die("epoll_wait");
        for (int k = 0; k < n; k++) {
            struct conn *x = &c[ev[k].data.u32];
            if (x->done) continue;
            if (ev[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                for (int reads = 0; reads < 8; reads++) { /* level-triggered: the rest comes next round */
                    ssize_t r = read(x->fd, rbuf, sizeof rbuf);
                    if (r > 0) {
                        if (!x->greeted) {
                            /* The greeting (and whatever came with it) is not counted. */
                            if (memchr(rbuf, '\n', r)) { x->greeted = 1; greeted++; }
                            continue;
                        }
                        if (!x->sender && start > 0) {
                            long long got = count_relayed(x, rbuf, r);
                            if (got) { relayed += got; last_read = now_s(); }
                        }
                        if (r < (ssize_t) sizeof rbuf) break;
                        continue;
                    }
                    if (r < 0 && (errno == EAGAIN || errno == EINTR)) break;
                    fail(x, ep, &open, &writing, &all_written, closing, &ended_early);
                    break;
                }
            }
            if ((ev[k].events & EPOLLOUT) && x->sender && !x->done && !x->closed_write && x->left > 0) {
                long long w = write_lines(x, x->left, chunk, per_chunk, size);
                if (w < 0) {
                    fail(x, ep, &open, &writing, &all_written, closing, &ended_early);
                    continue;
                }
                sent += w;
                if (x->left == 0) {
                    struct epoll_event e = { .events = EPOLLIN, .data.u32 = ev[k].data.u32 };
                    epoll_ctl(ep, EPOLL_CTL_MOD, x->fd, &e);
                    if (--writing == 0) all_written = now_s();
                }
            }
        }
        if (rate > 0 && start > 0 && writing > 0) {
            /* Paced: each sender writes what is due by now of its share of the rate. */
            double elapsed = now_s() - start;
            for (int i = receivers; i < conns; i++) {
                struct conn *x = &c[i];
                if (x->done || x->left == 0) continue;
                long long due = (long long) (rate / senders * elapsed) - x->written;
                if (due <= 0 && x->line_off == 0) continue;
                long long w = write_lines(x, due < 0 ? 0 : due < x->left ? due : x->left, chunk, per_chunk, size);
                if (w < 0) {
                    fail(x, ep, &open, &writing, &all_written, closing, &ended_early);
                    continue;
                }
                sent += w;
                if (x->left == 0 && --writing == 0) all_written = now_s();
            }
        }
        if (start == 0 && greeted == conns) {
            /* Everyone is in the room: the senders start. */
            start = now_s();
            cpu0 = cpu_s();
            for (int i = receivers; i < conns; i++) {
                if (c[i].left == 0) continue;
                if (rate == 0) {
                    struct epoll_event e = { .events = EPOLLIN | EPOLLOUT, .data.u32 = i };
                    epoll_ctl(ep, EPOLL_CTL_MOD, c[i].fd, &e);
                }
                writing++;
            }
            if (writing == 0) all_written = start;
        }
    }
    double cpu = cpu_s() - cpu0;
    long long expected = sent * receivers; /* lines a failed sender never wrote are not missed */
    for (int i = 0; i < conns; i++) if (!c[i].done) close(c[i].fd);
    if (start == 0) {
        fprintf(stderr, "fanout: %d of %d connections greeted within %.0f s\n", greeted, conns, max_s);
        return 1;
    }
    double span = (last_read > start ? last_read : now_s()) - start;
    double send_span = (all_written > start ? all_written : now_s()) - start;
    printf("sent=%lld sent_per_s=%.0f relayed=%lld expected=%lld missed_pct=%.2f relayed_per_s=%.0f cpu_s=%.2f\n",
           sent, sent / (send_span > 0 ? send_span : 1e-9), relayed, expected,
           expected ? 100.0 * (expected - relayed) / expected : 0, relayed / (span > 0 ? span : 1e-9), cpu);
    if (ended_early) fprintf(stderr, "fanout: the server closed %d connections during the load\n", ended_early);
    return open > 0 || sent < lines ? 1 : 0;
}
