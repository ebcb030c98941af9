/*
 * A native TCP load: CONNS connections to 127.0.0.1:PORT, each reads the greeting, then writes its share of
 * LINES lines of SIZE text bytes and a newline in 4 KB writes (GREET=0: without waiting for a greeting, for
 * receivers that send none), half-closes and reads to the end before
 * closing (so no reset discards what the server has not read). With READ=1 it reads whatever the server
 * sends (relays) all along; with READ=0 no connection reads anything after its greeting while the load runs
 * (a room of members that do not read: what the server relays to them piles up until it drops it): each
 * half-closes after its last line, and all read to the end only once every connection has written its share
 * and COUNT_FILE shows every line or stops growing (a connection reading as soon as its own share is in its
 * socket would read the relays at full speed long before the server has read the load). Bounded by MAX_SECONDS. With COUNT_FILE it waits until the file shows
 * the lines or stops growing for QUIET_MS, and reports lines/s from the first write to the file's last growth.
 * Usage: tcp_gen PORT CONNS LINES [SIZE=64] [MAX_SECONDS=60] [GREET=1] [COUNT_FILE QUIET_MS=3000 [READ=1]]
 * Prints: sent=N sent_per_s=R [received=N lost=N received_per_s=R]
 */
#include "common.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#define CHUNK 4096

struct conn { int fd; long long left; int greeted, closed_write, done; };

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: tcp_gen PORT CONNS LINES [SIZE] [MAX_SECONDS] [GREET] [COUNT_FILE QUIET_MS [READ]]\n"); return 2; }
    int port = arg_long(argv[1], "port");
    int conns = arg_long(argv[2], "conns");
    long long lines = arg_long(argv[3], "lines");
    long size = argc > 4 ? arg_long(argv[4], "size") : 64;
    double max_s = argc > 5 ? arg_long(argv[5], "seconds") : 60;
    int greet = argc > 6 ? arg_long(argv[6], "greet") : 1;
    const char *file = argc > 7 ? argv[7] : NULL;
    double quiet_s = (argc > 8 ? arg_long(argv[8], "quiet_ms") : 3000) / 1000.0;
    int reading = argc > 9 ? arg_long(argv[9], "read") : 1;
    if (conns < 1 || conns > 10000 || size < 1 || size + 1 > CHUNK) { fprintf(stderr, "bad conns or size\n"); return 2; }

    int per_chunk;
    char *chunk = line_chunk(CHUNK, size, &per_chunk);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    struct conn *c = calloc(conns, sizeof *c);
    struct pollfd *p = calloc(conns, sizeof *p);
    for (int i = 0; i < conns; i++) {
        c[i].fd = socket(AF_INET, SOCK_STREAM, 0);
        if (c[i].fd < 0) die("socket");
        if (connect(c[i].fd, (struct sockaddr *) &to, sizeof to) < 0) die("connect");
        fcntl(c[i].fd, F_SETFL, O_NONBLOCK);
        c[i].left = lines / conns + (i < lines % conns);
        c[i].greeted = !greet;
    }
    struct line_counter counter = { .path = file };
    long long base = file ? count_lines(&counter) : 0;
    static char rbuf[1 << 16];
    double start = 0, deadline = now_s() + max_s;
    long long sent = 0;
    int open = conns, written = 0, held = !reading;
    long long got = -1;
    double last = 0;
    while (open > 0 && now_s() < deadline) {
        if (held && written == conns) {
            /* Every share is written: the load is over once the server has printed it; then all read to the end. */
            if (file) got = await_lines(&counter, base, sent, quiet_s, 60, &last);
            held = 0;
        }
        for (int i = 0; i < conns; i++) {
            p[i].fd = c[i].done ? -1 : c[i].fd;
            int writing = c[i].greeted && !c[i].closed_write;
            /* Not reading: poll reports an error or a hang-up anyway, so a reset is still seen. */
            p[i].events = ((writing || c[i].closed_write) && held ? 0 : POLLIN) | (writing ? POLLOUT : 0);
        }
        if (poll(p, conns, 100) < 0 && errno != EINTR) die("poll");
        for (int i = 0; i < conns; i++) {
            if (c[i].done) continue;
            if (p[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                ssize_t n = read(c[i].fd, rbuf, sizeof rbuf);
                if (n > 0) {
                    if (!c[i].greeted && memchr(rbuf, '\n', n)) c[i].greeted = 1;
                } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                    if (!c[i].closed_write && c[i].left > 0) fprintf(stderr, "connection %d ended early\n", i);
                    if (!c[i].closed_write) written++; /* it will write no more */
                    close(c[i].fd); c[i].done = 1; open--; continue;
                }
            }
            if ((p[i].revents & POLLOUT) && !c[i].closed_write) {
                if (start == 0) start = now_s();
                while (c[i].left > 0) {
                    long long k = c[i].left < per_chunk ? c[i].left : per_chunk;
                    ssize_t n = write(c[i].fd, chunk, k * (size + 1));
                    if (n < 0) break;
                    /* a short write: finish the partial line so that lines stay whole */
                    size_t off = n;
                    while (off % (size + 1) != 0) {
                        ssize_t m = write(c[i].fd, chunk + off, (size + 1) - off % (size + 1));
                        if (m > 0) off += m; else { struct pollfd w = { c[i].fd, POLLOUT, 0 }; poll(&w, 1, 100); }
                    }
                    c[i].left -= off / (size + 1); sent += off / (size + 1);
                    if ((long long) off < k * (size + 1)) break;
                }
                if (c[i].left == 0) { shutdown(c[i].fd, SHUT_WR); c[i].closed_write = 1; written++; }
            }
        }
    }
    double end = now_s();
    if (start == 0) start = end;
    for (int i = 0; i < conns; i++) if (!c[i].done) close(c[i].fd);
    printf("sent=%lld sent_per_s=%.0f", sent, sent / (end - start > 0 ? end - start : 1e-9));
    if (file) {
        if (got < 0) got = await_lines(&counter, base, sent, quiet_s, 60, &last);
        printf(" received=%lld lost=%lld received_per_s=%.0f", got, sent - got, got / (last - start > 0 ? last - start : 1e-9));
    }
    printf("\n");
    return open > 0 ? 1 : 0;
}
