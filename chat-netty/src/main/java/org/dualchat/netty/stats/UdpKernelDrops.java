package org.dualchat.netty.stats;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The datagrams the kernel dropped before the server could read them (its receive buffer was full), for the
 * UDP sockets bound to one address: the {@code drops} column of {@code /proc/net/udp} and {@code /proc/net/udp6},
 * which Linux keeps per socket. Netty's epoll transport does not expose {@code SO_RXQ_OVFL}, and the
 * {@code RcvbufErrors} of {@code /proc/net/snmp} counts every socket of the machine; this table counts ours.
 * Where there is no such table (not Linux), it reads 0. The value only grows: a socket gone from the table
 * keeps what it had counted.
 *
 * <p>Reading the tables is file I/O, so it is done by {@link #refresh()}, which the server calls once a second
 * from its report timer and once before the socket closes; {@link #getAsLong()}, which a metrics scrape calls
 * on an event loop, only returns what the last refresh found.
 */
public final class UdpKernelDrops implements LongSupplier {

    private static final List<Path> TABLES = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));

    private final InetSocketAddress local;
    private final List<Path> tables;
    private final AtomicLong highest = new AtomicLong();

    UdpKernelDrops(InetSocketAddress local, List<Path> tables) {
        this.local = local;
        this.tables = tables;
    }

    /** The kernel's drops for the UDP sockets bound to {@code local} (a wildcard address matches any address). */
    public static UdpKernelDrops of(InetSocketAddress local) {
        return new UdpKernelDrops(local, TABLES);
    }

    /** The drops counted as of the last {@link #refresh()}; reads no file. */
    @Override
    public long getAsLong() {
        return highest.get();
    }

    /** Reads the kernel's tables now; returns the drops counted so far. Blocks on file I/O: not on an event loop. */
    public long refresh() {
        long now = 0;
        for (Path table : tables) {
            now += read(table);
        }
        return highest.accumulateAndGet(now, Math::max);
    }

    private long read(Path table) {
        List<String> lines;
        try {
            lines = Files.readAllLines(table, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return 0;
        }
        long sum = 0;
        for (int i = 1; i < lines.size(); i++) {
            String[] columns = lines.get(i).trim().split("\\s+");
            if (columns.length >= 13 && matches(columns[1])) {
                sum += Long.parseLong(columns[columns.length - 1]);
            }
        }
        return sum;
    }

    /** {@code 0100007F:04D2}: the address in hex, 32-bit words in the machine's byte order, and the port. */
    private boolean matches(String address) {
        int colon = address.indexOf(':');
        if (colon < 0 || Integer.parseInt(address.substring(colon + 1), 16) != local.getPort()) {
            return false;
        }
        if (local.getAddress() == null || local.getAddress().isAnyLocalAddress()) {
            return true;
        }
        InetAddress bound = parse(address.substring(0, colon));
        return bound != null && (bound.isAnyLocalAddress() || bound.equals(local.getAddress()));
    }

    private static InetAddress parse(String hex) {
        if (hex.length() % 8 != 0) {
            return null;
        }
        ByteBuffer bytes = ByteBuffer.allocate(hex.length() / 2).order(ByteOrder.nativeOrder());
        for (int i = 0; i < hex.length(); i += 8) {
            bytes.putInt((int) Long.parseLong(hex.substring(i, i + 8), 16));
        }
        try {
            return InetAddress.getByAddress(bytes.array());
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
