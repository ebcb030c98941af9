package org.dualchat.cli.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dualchat.cli.CliRun;
import org.dualchat.cli.DualchatCli;
import org.dualchat.cli.TypedInput;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.ChatServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SendUdpCommandTest {

    @Test
    @Timeout(30)
    void reportsALineTooLongForADatagramAndSendsTheOthers() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            receiver.setSoTimeout(10_000);
            String tooLong = "x".repeat(65_508);
            CliRun cli = CliRun.withInput("first\r\n" + tooLong + "\n" + "x".repeat(65_507) + "\nlast");
            int exit = cli.run("send", "udp", "127.0.0.1", "--port", Integer.toString(receiver.getLocalPort()));

            assertThat(cli.err()).isEqualTo(
                    "dualchat: line 2 not sent: 65508 bytes, more than one datagram holds (65507)\n");
            assertThat(exit).isEqualTo(DualchatCli.FAILURE);
            assertThat(receive(receiver)).isEqualTo("first");
            assertThat(receive(receiver)).hasSize(65_507);
            assertThat(receive(receiver)).isEqualTo("last");
        }
    }

    @Test
    @Timeout(30)
    void sendsOneMessageWithDashMToIpv6() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getByName("::1"))) {
            receiver.setSoTimeout(10_000);
            CliRun cli = CliRun.withInput("");
            assertThat(cli.run("send", "udp", "::1", "-p", Integer.toString(receiver.getLocalPort()), "-m", "héllo"))
                    .isZero();
            assertThat(cli.err()).isEmpty();
            assertThat(receive(receiver)).isEqualTo("héllo");
        }
    }

    @Test
    @Timeout(30)
    void failsWithOneLineForAnUnknownHost() {
        CliRun cli = CliRun.withInput("hello\n");
        assertThat(cli.run("send", "udp", "no-such-host.invalid")).isEqualTo(DualchatCli.FAILURE);
        assertThat(cli.err()).isEqualTo("dualchat: unknown host 'no-such-host.invalid'\n");
    }

    @Test
    @Timeout(10)
    void rejectsABadPortAsAUsageError() {
        CliRun cli = CliRun.withInput("");
        assertThat(cli.run("send", "udp", "127.0.0.1", "--port", "0")).isEqualTo(DualchatCli.USAGE);
        assertThat(cli.err()).isEqualTo("dualchat: Invalid value for option '--port': 0 (expected: 1-65535)"
                + " (see 'dualchat send udp --help')\n");
    }

    @Test
    @Timeout(30)
    void showsWhatTheServerRelaysBackEachOnItsOwnLine() throws Exception {
        ChatServerConfig config = ChatServerConfig.builder().udpPort(0).tcpPort(0).udpRelay(true).build();
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        try (ChatServer server = new ChatServer(config, new PrintingSink(printed, MessageFormat.PLAIN))) {
            server.start();
            TypedInput typing = new TypedInput();
            CliRun cli = new CliRun(typing);
            CompletableFuture<Integer> exit = cli.start("send", "udp", "127.0.0.1", "-p",
                    Integer.toString(server.udpAddress().getPort()));
            // The server learns the sender's address from its first datagram.
            typing.type("jar udp line");
            try (Socket tcp = new Socket(InetAddress.getLoopbackAddress(), server.tcpAddress().getPort())) {
                tcp.setSoTimeout(10_000);
                java.io.BufferedReader in = new java.io.BufferedReader(
                        new java.io.InputStreamReader(tcp.getInputStream(), StandardCharsets.UTF_8));
                assertThat(in.readLine()).isEqualTo("Server connected");
                String line;
                do {
                    line = in.readLine();
                } while (line != null && !line.endsWith("jar udp line"));
                tcp.getOutputStream().write("tcp user replies\nand again\n".getBytes(StandardCharsets.UTF_8));
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (!cli.out().contains("and again") && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            }
            typing.end();
            assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
            String port = "127.0.0.1 : ";
            assertThat(cli.out()).isEqualTo(port + "tcp user replies\n" + port + "and again\n");
        }
    }

    static String receive(DatagramSocket socket) throws java.io.IOException {
        DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
        socket.receive(packet);
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }
}
