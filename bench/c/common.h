/* Shared by the C reference programs of bench/compare.sh: clock, options, counting lines in a file. */
#ifndef DUALCHAT_BENCH_COMMON_H
#define DUALCHAT_BENCH_COMMON_H
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static inline double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static inline void die(const char *what) {
    fprintf(stderr, "%s: %s\n", what, strerror(errno));
    exit(1);
}

/* Writes all of buf to fd, through short writes and interruptions; dies on an error. */
static inline void write_all(int fd, const char *buf, size_t len) {
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, buf + off, len - off);
        if (n < 0) { if (errno == EINTR) continue; die("write"); }
        off += n;
    }
}

/* A buffer of `chunk` bytes holding as many whole lines of `size` text bytes and a newline as fit (*lines). */
static inline char *line_chunk(int chunk, long size, int *lines) {
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    char *buf = malloc(chunk);
    if (buf == NULL) die("malloc");
    *lines = chunk / (size + 1);
    for (int l = 0; l < *lines; l++) {
        for (long i = 0; i < size; i++) buf[l * (size + 1) + i] = alphabet[i % 62];
        buf[l * (size + 1) + size] = '\n';
    }
    return buf;
}

static inline long arg_long(const char *s, const char *name) {
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 0) {
        fprintf(stderr, "bad %s: %s\n", name, s);
        exit(2);
    }
    return v;
}

/* Lines in a file, counted on from where the last call stopped. */
struct line_counter { const char *path; long long offset, lines; };

static inline long long count_lines(struct line_counter *c) {
    static char buf[1 << 18];
    int fd = open(c->path, O_RDONLY);
    if (fd < 0) return c->lines;
    ssize_t n;
    while ((n = pread(fd, buf, sizeof buf, c->offset)) > 0) {
        c->offset += n;
        for (char *p = buf; (p = memchr(p, '\n', buf + n - p)) != NULL; p++) c->lines++;
    }
    close(fd);
    return c->lines;
}

/*
 * Waits until the file shows `expected` more lines than `base`, or has not grown for quiet_s, for at most
 * max_s. Returns the lines that arrived; *last_growth is when the file last grew.
 */
static inline long long await_lines(struct line_counter *c, long long base, long long expected, double quiet_s,
                             double max_s, double *last_growth) {
    double start = now_s(), seen = start;
    long long last = count_lines(c);
    *last_growth = start;
    while (last - base < expected && now_s() - seen < quiet_s && now_s() - start < max_s) {
        usleep(5000);
        long long n = count_lines(c);
        if (n != last) { last = n; seen = now_s(); *last_growth = seen; }
    }
    return last - base;
}
#endif
