/*
 * A native UDP sender at full speed: sendmmsg with 64 datagrams of SIZE text bytes and a newline each, to
 * 127.0.0.1:PORT, until COUNT are sent or MAX_SECONDS pass. With COUNT_FILE it then waits until the file
 * shows the datagrams (one line each) or stops growing for QUIET_MS, and reports what was lost. With -r RATE it
 * sends RATE datagrams a second instead (in calls of 64, each at its due time), so that the receiver's CPU per
 * datagram can be measured at a load it keeps up with. With -g it sends the 64 datagrams of a call as one
 * segmented send instead (UDP_SEGMENT, Linux 4.18+: the kernel cuts it into datagrams of one line each).
 * Usage: udp_send [-r RATE] [-g] PORT SIZE COUNT [MAX_SECONDS=10] [COUNT_FILE QUIET_MS=500]
 * Prints: sent=N sent_per_s=R [received=N lost=N lost_pct=P]
 */
#include "common.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

#define VLEN 64

int main(int argc, char **argv) {
    double rate = 0;
    int segmented = 0;
    while (argc > 1 && argv[1][0] == '-') {   /* -r RATE and -g, in either order */
        if (strcmp(argv[1], "-r") == 0 && argc > 2) {
            rate = arg_long(argv[2], "rate");
            argc -= 2;
            argv += 2;
        } else if (strcmp(argv[1], "-g") == 0) {
            segmented = 1;
            argc--;
            argv++;
        } else {
            fprintf(stderr, "udp_send: unknown option %s\n", argv[1]);
            return 2;
        }
    }
    if (argc < 4) { fprintf(stderr, "usage: udp_send [-r RATE] [-g] PORT SIZE COUNT [MAX_SECONDS] [COUNT_FILE QUIET_MS]\n"); return 2; }
    int port = arg_long(argv[1], "port");
    long size = arg_long(argv[2], "size");
    long long count = arg_long(argv[3], "count");
    double max_s = argc > 4 ? arg_long(argv[4], "seconds") : 10;
    const char *file = argc > 5 ? argv[5] : NULL;
    double quiet_s = (argc > 6 ? arg_long(argv[6], "quiet_ms") : 500) / 1000.0;
    if (size < 1 || size > 65506) { fprintf(stderr, "size: 1..65506\n"); return 2; }

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) die("socket");
    int sndbuf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (connect(fd, (struct sockaddr *) &to, sizeof to) < 0) die("connect");

    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    int per_send = segmented ? VLEN : 1;   /* datagrams back to back in the buffer */
    if (segmented) {
        if ((size + 1) * VLEN > 65507) { fprintf(stderr, "-g: size at most %d\n", 65507 / VLEN - 1); return 2; }
        int gso = size + 1;
        if (setsockopt(fd, SOL_UDP, UDP_SEGMENT, &gso, sizeof gso) < 0) die("UDP_SEGMENT");
    }
    char *payload = malloc((size + 1) * per_send);
    for (int d = 0; d < per_send; d++) {
        for (long i = 0; i < size; i++) payload[d * (size + 1) + i] = alphabet[i % 62];
        payload[d * (size + 1) + size] = '\n';
    }
    struct iovec iov = { payload, size + 1 };
    struct mmsghdr msgs[VLEN];
    for (int i = 0; i < VLEN; i++) msgs[i].msg_hdr = (struct msghdr) { .msg_iov = &iov, .msg_iovlen = 1 };

    struct line_counter counter = { .path = file };
    long long base = file ? count_lines(&counter) : 0;
    double start = now_s(), deadline = start + max_s;
    long long sent = 0;
    while (sent < count && now_s() < deadline) {
        long long want = count - sent < VLEN ? count - sent : VLEN;
        if (rate > 0) {   /* this call's datagrams are due when the rate says; sleep until then */
            double due = start + sent / rate, wait = due - now_s();
            if (wait > 0) {
                struct timespec t = { (time_t) wait, (long) ((wait - (time_t) wait) * 1e9) };
                nanosleep(&t, NULL);
            }
        }
        int n;
        if (segmented) {   /* one send, cut by the kernel into `want` datagrams */
            n = send(fd, payload, want * (size + 1), 0) < 0 ? -1 : (int) want;
        } else {
            n = sendmmsg(fd, msgs, want, 0);
        }
        if (n < 0) {
            if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN || errno == ECONNREFUSED) continue;
            die(segmented ? "send" : "sendmmsg");
        }
        sent += n;
    }
    double took = now_s() - start;
    printf("sent=%lld sent_per_s=%.0f", sent, sent / took);
    if (file) {
        double last;
        long long got = await_lines(&counter, base, sent, quiet_s, 30, &last);
        printf(" received=%lld lost=%lld lost_pct=%.2f", got, sent - got, sent ? 100.0 * (sent - got) / sent : 0);
    }
    printf("\n");
    return 0;
}
