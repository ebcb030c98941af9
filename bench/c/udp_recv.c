/*
 * The limit line for UDP: receives with recvmmsg and prints each line as "ip : text" to stdout (a file),
 * one write per 1 MB or whenever the socket runs dry. Control bytes become '?'. Binds 127.0.0.1 only.
 * Usage: udp_recv PORT [MAX_SECONDS=600] [RCVBUF=4194304] [hold]; stops on SIGTERM/SIGINT or after
 * MAX_SECONDS. With "hold" it binds and never reads: a target that costs a sender nothing but the kernel's
 * drop, for measuring the sender alone.
 */
#include "common.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

#define VLEN 64
#define SLOT 65536
#define OUT_CAP (1 << 20)

static volatile sig_atomic_t stop;
static void on_signal(int s) { (void) s; stop = 1; }

static char out[OUT_CAP + 2 * SLOT];
static size_t used;

static void flush_out(void) {
    write_all(1, out, used);
    used = 0;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: udp_recv PORT [MAX_SECONDS] [RCVBUF]\n"); return 2; }
    int port = arg_long(argv[1], "port");
    double max_s = argc > 2 ? arg_long(argv[2], "seconds") : 600;
    int rcvbuf = argc > 3 ? arg_long(argv[3], "rcvbuf") : 4 << 20;
    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (fd < 0) die("socket");
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (bind(fd, (struct sockaddr *) &addr, sizeof addr) < 0) die("bind");

    static char bufs[VLEN][SLOT];
    static struct mmsghdr msgs[VLEN];
    static struct iovec iov[VLEN];
    static struct sockaddr_in from[VLEN];
    for (int i = 0; i < VLEN; i++) {
        iov[i] = (struct iovec) { bufs[i], SLOT };
        msgs[i].msg_hdr = (struct msghdr) { .msg_name = &from[i], .msg_namelen = sizeof from[i],
                                            .msg_iov = &iov[i], .msg_iovlen = 1 };
    }
    double end = now_s() + max_s;
    if (argc > 4 && strcmp(argv[4], "hold") == 0) {
        while (!stop && now_s() < end) usleep(50000);
        return 0;
    }
    while (!stop && now_s() < end) {
        int n = recvmmsg(fd, msgs, VLEN, 0, NULL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN) die("recvmmsg");
            flush_out();   /* dry: what was read goes out now */
            struct pollfd p = { fd, POLLIN, 0 };
            poll(&p, 1, 100);
            continue;
        }
        for (int i = 0; i < n; i++) {
            char ip[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &from[i].sin_addr, ip, sizeof ip);
            size_t iplen = strlen(ip);
            const unsigned char *p = (const unsigned char *) bufs[i], *e = p + msgs[i].msg_len;
            while (p < e) {   /* each line of the datagram, "ip : text\n"; blank lines skipped */
                const unsigned char *nl = memchr(p, '\n', e - p);
                const unsigned char *le = nl ? nl : e;
                const unsigned char *te = (le > p && le[-1] == '\r') ? le - 1 : le;
                if (te > p) {
                    memcpy(out + used, ip, iplen); used += iplen;
                    memcpy(out + used, " : ", 3); used += 3;
                    for (const unsigned char *q = p; q < te; q++) out[used++] = (*q < 0x20 || *q == 0x7f) ? '?' : *q;
                    out[used++] = '\n';
                    if (used >= OUT_CAP) flush_out();
                }
                p = nl ? nl + 1 : e;
            }
        }
        for (int i = 0; i < n; i++) msgs[i].msg_hdr.msg_namelen = sizeof from[i];
    }
    flush_out();
    return 0;
}
