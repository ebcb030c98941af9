/*
 * The limit line for TCP: one epoll thread accepts on 127.0.0.1:PORT, greets each client with
 * "Server connected", cuts what it reads into lines and prints each as "ip : text" to stdout (a file),
 * one write per 1 MB or whenever epoll runs dry. Control bytes become '?'. No relay.
 * Usage: tcp_recv PORT [MAX_SECONDS=600]; stops on SIGTERM/SIGINT or after MAX_SECONDS.
 */
#include "common.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#define OUT_CAP (1 << 20)
#define LINE_MAX_LEN 8192
#define MAX_FDS 65536

struct client { char ip[INET_ADDRSTRLEN]; size_t iplen, partial; char line[LINE_MAX_LEN]; };

static volatile sig_atomic_t stop;
static void on_signal(int s) { (void) s; stop = 1; }
static char out[OUT_CAP + 2 * LINE_MAX_LEN + 64];
static size_t used;
static struct client *clients[MAX_FDS];

static void flush_out(void) {
    write_all(1, out, used);
    used = 0;
}

static void emit(struct client *c, const unsigned char *p, size_t n) {
    if (n && p[n - 1] == '\r') n--;
    if (n == 0) return;
    memcpy(out + used, c->ip, c->iplen); used += c->iplen;
    memcpy(out + used, " : ", 3); used += 3;
    for (size_t i = 0; i < n; i++) out[used++] = (p[i] < 0x20 || p[i] == 0x7f) ? '?' : p[i];
    out[used++] = '\n';
    if (used >= OUT_CAP) flush_out();
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: tcp_recv PORT [MAX_SECONDS]\n"); return 2; }
    int port = arg_long(argv[1], "port");
    double max_s = argc > 2 ? arg_long(argv[2], "seconds") : 600;
    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    if (lfd < 0) die("socket");
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (bind(lfd, (struct sockaddr *) &addr, sizeof addr) < 0) die("bind");
    if (listen(lfd, 1024) < 0) die("listen");
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = lfd }, evs[256];
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    static unsigned char buf[1 << 16];
    double end = now_s() + max_s;
    while (!stop && now_s() < end) {
        int n = epoll_wait(ep, evs, 256, used ? 0 : 100);
        if (n < 0) { if (errno == EINTR) continue; die("epoll_wait"); }
        if (n == 0) { flush_out(); continue; }
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            if (fd == lfd) {
                struct sockaddr_in from; socklen_t len = sizeof from;
                int cfd;
                while ((cfd = accept4(lfd, (struct sockaddr *) &from, &len, SOCK_NONBLOCK)) >= 0) {
                    if (cfd >= MAX_FDS) { close(cfd); continue; }
                    struct client *c = calloc(1, sizeof *c);
                    inet_ntop(AF_INET, &from.sin_addr, c->ip, sizeof c->ip);
                    c->iplen = strlen(c->ip);
                    clients[cfd] = c;
                    if (write(cfd, "Server connected\n", 17) < 0) { /* the client left: read sees it */ }
                    struct epoll_event cev = { .events = EPOLLIN, .data.fd = cfd };
                    epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &cev);
                    len = sizeof from;
                }
                continue;
            }
            struct client *c = clients[fd];
            ssize_t r = read(fd, buf, sizeof buf);
            if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (r <= 0) {
                if (c->partial) emit(c, (unsigned char *) c->line, c->partial);
                close(fd); free(c); clients[fd] = NULL;
                continue;
            }
            const unsigned char *p = buf, *e = buf + r;
            while (p < e) {
                const unsigned char *nl = memchr(p, '\n', e - p);
                size_t take = (nl ? nl : e) - p;
                if (c->partial || !nl) {   /* a line across reads: gather it */
                    size_t room = LINE_MAX_LEN - c->partial, k = take < room ? take : room;
                    memcpy(c->line + c->partial, p, k); c->partial += k;
                    if (nl || c->partial == LINE_MAX_LEN) { emit(c, (unsigned char *) c->line, c->partial); c->partial = 0; }
                } else {
                    emit(c, p, take);
                }
                p += take + (nl ? 1 : 0);
            }
        }
    }
    flush_out();
    return 0;
}
