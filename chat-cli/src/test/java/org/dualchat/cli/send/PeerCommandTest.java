package org.dualchat.cli.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dualchat.cli.CliRun;
import org.dualchat.cli.DualchatCli;
import org.dualchat.cli.TypedInput;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PeerCommandTest {

    @Test
    @Timeout(30)
    void twoPeersWithCrossedPortsChatUntilOneSaysBye() throws Exception {
        int portA = freeUdpPort();
        int portB = freeUdpPort();
        TypedInput typingA = new TypedInput();
        TypedInput typingB = new TypedInput();
        CliRun a = new CliRun(typingA);
        CliRun b = new CliRun(typingB);
        CompletableFuture<Integer> exitA = a.start("peer", "127.0.0.1",
                "--port", Integer.toString(portA), "--peer-port", Integer.toString(portB));
        CompletableFuture<Integer> exitB = b.start("peer", "127.0.0.1",
                "--port", Integer.toString(portB), "--peer-port", Integer.toString(portA));
        try {
            awaitBound(portA, exitA, a);
            awaitBound(portB, exitB, b);
            typingA.type("hello from A");
            awaitOutput(b, "127.0.0.1 : hello from A\n");
            typingB.type("hi from B, ünïcode");
            awaitOutput(a, "127.0.0.1 : hi from B, ünïcode\n");
            typingB.type("Bye");

            assertThat(exitB.get(10, TimeUnit.SECONDS)).isZero();
            assertThat(exitA.get(10, TimeUnit.SECONDS)).as("the Bye ends the other side too").isZero();
            assertThat(a.out()).isEqualTo("127.0.0.1 : hi from B, ünïcode\n127.0.0.1 : Bye\n");
            assertThat(b.out()).isEqualTo("127.0.0.1 : hello from A\n");
            assertThat(a.err()).isEmpty();
            assertThat(b.err()).isEmpty();
        } finally {
            typingA.end();
            typingB.end();
        }
    }

    @Test
    @Timeout(30)
    void coloursIncomingTextWhenAskedAndEndsAtTheEndOfInput() throws Exception {
        try (DatagramSocket other = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            other.setSoTimeout(10_000);
            int mine = freeUdpPort();
            TypedInput typing = new TypedInput();
            CliRun cli = new CliRun(typing);
            CompletableFuture<Integer> exit = cli.start("peer", "127.0.0.1", "--port", Integer.toString(mine),
                    "--peer-port", Integer.toString(other.getLocalPort()), "--color", "always");
            try {
                awaitBound(mine, exit, cli);
                byte[] hi = "hi".getBytes(StandardCharsets.UTF_8);
                other.send(new DatagramPacket(hi, hi.length, InetAddress.getByName("127.0.0.1"), mine));
                awaitOutput(cli, "\u001b[36m127.0.0.1 : hi\u001b[0m\n");
                typing.type("answer");
                DatagramPacket packet = new DatagramPacket(new byte[100], 100);
                other.receive(packet);
                assertThat(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8))
                        .isEqualTo("answer");
            } finally {
                typing.end();
            }
            assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
            assertThat(cli.err()).isEmpty();
        }
    }

    @Test
    @Timeout(30)
    void failsWithOneLineWhenItsPortIsTaken() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(0))) {
            CliRun cli = CliRun.withInput("hello\n");
            assertThat(cli.run("peer", "127.0.0.1", "--port", Integer.toString(taken.getLocalPort())))
                    .isEqualTo(DualchatCli.FAILURE);
            assertThat(cli.err()).startsWith("dualchat: cannot listen on UDP port " + taken.getLocalPort() + ": ")
                    .hasLineCount(1);
        }
    }

    @Test
    @Timeout(30)
    void failsWithOneLineForAnUnknownHost() {
        CliRun cli = CliRun.withInput("hello\n");
        assertThat(cli.run("peer", "no-such-host.invalid", "--port", "0")).isEqualTo(DualchatCli.FAILURE);
        assertThat(cli.err()).isEqualTo("dualchat: unknown host 'no-such-host.invalid'\n");
    }

    @Test
    @Timeout(10)
    void rejectsBadPortsAndColoursAsUsageErrors() {
        CliRun peerPort = CliRun.withInput("");
        assertThat(peerPort.run("peer", "127.0.0.1", "--peer-port", "0")).isEqualTo(DualchatCli.USAGE);
        assertThat(peerPort.err()).isEqualTo("dualchat: Invalid value for option '--peer-port': 0"
                + " (expected: 1-65535) (see 'dualchat peer --help')\n");

        CliRun color = CliRun.withInput("");
        assertThat(color.run("peer", "127.0.0.1", "--color", "sometimes")).isEqualTo(DualchatCli.USAGE);
        assertThat(color.err()).contains("'sometimes' (expected: auto, always or never)").hasLineCount(1);
    }

    /** A UDP port free a moment ago: the crossed-port chat needs both ports before either peer starts. */
    private static int freeUdpPort() throws IOException {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            return probe.getLocalPort();
        }
    }

    /**
     * Waits until the peer under test listens on {@code port}, as the kernel's socket tables show.
     * Probing by binding the port ourselves would race with the peer's own bind, and probing with
     * datagrams relies on ICMP port-unreachable replies, which the kernel rate-limits.
     */
    private static void awaitBound(int port, CompletableFuture<Integer> exit, CliRun cli) throws Exception {
        Path udp4 = Path.of("/proc/net/udp");
        Path udp6 = Path.of("/proc/net/udp6");
        Assumptions.assumeTrue(Files.isReadable(udp4), "needs Linux's /proc/net/udp to see when a port is bound");
        String local = String.format(":%04X", port);
        while (true) {
            if (exit.isDone()) {
                throw new AssertionError("the peer ended before listening, exit " + exit.get() + ": " + cli.err());
            }
            for (Path table : List.of(udp4, udp6)) {
                if (Files.isReadable(table) && Files.readAllLines(table).stream().skip(1)
                        .anyMatch(row -> row.trim().split("\\s+")[1].endsWith(local))) {
                    return;
                }
            }
            Thread.sleep(10);
        }
    }

    private static void awaitOutput(CliRun cli, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cli.out().equals(expected)) {
            assertThat(System.nanoTime()).as("waiting for %s, the output is %s", expected, cli.out())
                    .isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
