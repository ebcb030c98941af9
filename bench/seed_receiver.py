#!/usr/bin/env python3
"""A receiver in the style of the seed articles, for bench/compare.sh: one UDP loop and one thread per
TCP connection, each printing 'ip : text' for every line on stdout. Unlike the seeds it reads lines, not
fixed-size chunks, so that its output can be counted line by line; and it flushes its buffered output
every 50 ms, so that a watcher sees each line soon after it was received.

    python3 bench/seed_receiver.py UDP_PORT TCP_PORT   (listens on 127.0.0.1 only; stops on SIGTERM)
"""
import signal
import socket
import sys
import threading
import time

lock = threading.Lock()
out = sys.stdout


def emit(ip, text):
    with lock:
        out.write(ip + " : " + text + "\n")


def flusher():
    while True:
        time.sleep(0.05)
        with lock:
            out.flush()


def udp_loop(port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
    sock.bind(("127.0.0.1", port))
    while True:
        data, (ip, _) = sock.recvfrom(65535)
        for line in data.decode("utf-8", "replace").splitlines():
            if line:
                emit(ip, line)


def client(conn, ip):
    with conn, conn.makefile("rb") as lines:
        for raw in lines:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if line:
                emit(ip, line)


def tcp_loop(port):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(1024)
    while True:
        conn, (ip, _) = server.accept()
        threading.Thread(target=client, args=(conn, ip), daemon=True).start()


def stop(signum, frame):
    with lock:
        out.flush()
    sys.exit(0)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop)
    udp_port, tcp_port = int(sys.argv[1]), int(sys.argv[2])
    for target, args in ((udp_loop, (udp_port,)), (flusher, ())):
        threading.Thread(target=target, args=args, daemon=True).start()
    tcp_loop(tcp_port)
