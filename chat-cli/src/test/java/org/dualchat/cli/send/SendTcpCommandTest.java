package org.dualchat.cli.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
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

class SendTcpCommandTest {

    @Test
    @Timeout(60)
    void pipesAHundredThousandLinesInOrderAndExitsZero() throws Exception {
        StringBuilder input = new StringBuilder();
        for (int i = 1; i <= 100_000; i++) {
            input.append(i).append('\n');
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        // A bulk transfer from one trusted source: no rate limit, or it would take 100 s.
        ChatServer server = new ChatServer(ChatServerConfig.builder().udpPort(0).tcpPort(0).rate(0).build(),
                new PrintingSink(printed, (m, out) -> {
                    out.write(m.text());
                    out.write('\n');
                }));
        CliRun cli = CliRun.withInput(input.toString());
        int exit;
        try {
            server.start();
            exit = cli.run("send", "tcp", "127.0.0.1", "--port", Integer.toString(server.tcpAddress().getPort()));
        } finally {
            server.close();
        }
        assertThat(cli.err()).isEmpty();
        assertThat(exit).isZero();
        assertThat(cli.out()).isEqualTo("Server connected\n* you are the only one here; /help lists the commands\n");
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo(input.toString());
    }

    @Test
    @Timeout(30)
    void sendsOneMessageWithDashM() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ChatServer server = new ChatServer(ChatServerConfig.builder()
                .bindAddress(InetAddress.getByName("::1")).udpPort(0).tcpPort(0).build(),
                new PrintingSink(printed, MessageFormat.PLAIN));
        CliRun cli = new CliRun(new TypedInput()); // never read: -m does not touch stdin
        int exit;
        try {
            server.start();
            exit = cli.run("send", "tcp", "::1", "-p", Integer.toString(server.tcpAddress().getPort()),
                    "-m", "héllo");
        } finally {
            server.close();
        }
        assertThat(cli.err()).isEmpty();
        assertThat(exit).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("::1 : héllo\n");
    }

    @Test
    @Timeout(30)
    void failsWithOneLineWhenTheServerClosesTheConnection() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            TypedInput typing = new TypedInput();
            CliRun cli = new CliRun(typing);
            CompletableFuture<Integer> exit =
                    cli.start("send", "tcp", "127.0.0.1", "--port", Integer.toString(listener.getLocalPort()));
            try (Socket accepted = listener.accept()) {
                OutputStream out = accepted.getOutputStream();
                out.write("Server connected\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                typing.type("hello");
                byte[] line = new byte[6];
                accepted.getInputStream().readNBytes(line, 0, 6);
                assertThat(new String(line, StandardCharsets.UTF_8)).isEqualTo("hello\n");
            } // closed while the user is still "typing"
            assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(DualchatCli.FAILURE);
            assertThat(cli.out()).isEqualTo("Server connected\n");
            assertThat(cli.err()).isEqualTo("dualchat: the server at 127.0.0.1:" + listener.getLocalPort()
                    + " closed the connection\n");
            typing.end();
        }
    }

    @Test
    @Timeout(30)
    void failsWithOneLineWhenRefused() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = closed.getLocalPort();
        }
        CliRun cli = CliRun.withInput("hello\n");
        assertThat(cli.run("send", "tcp", "127.0.0.1", "--port", Integer.toString(port)))
                .isEqualTo(DualchatCli.FAILURE);
        assertThat(cli.err()).isEqualTo("dualchat: cannot connect to 127.0.0.1:" + port + ": Connection refused\n");
    }

    @Test
    @Timeout(30)
    void failsWithOneLineForAnUnknownHost() {
        CliRun cli = CliRun.withInput("hello\n");
        assertThat(cli.run("send", "tcp", "no-such-host.invalid")).isEqualTo(DualchatCli.FAILURE);
        assertThat(cli.err()).isEqualTo("dualchat: unknown host 'no-such-host.invalid'\n");
    }

    @Test
    @Timeout(10)
    void rejectsABadPortAsAUsageError() {
        CliRun cli = CliRun.withInput("");
        assertThat(cli.run("send", "tcp", "127.0.0.1", "--port", "65536")).isEqualTo(DualchatCli.USAGE);
        assertThat(cli.err()).isEqualTo("dualchat: Invalid value for option '--port': 65536 (expected: 1-65535)"
                + " (see 'dualchat send tcp --help')\n");

        CliRun word = CliRun.withInput("");
        assertThat(word.run("send", "tcp", "127.0.0.1", "--port", "http")).isEqualTo(DualchatCli.USAGE);
        assertThat(word.err()).startsWith("dualchat: ").hasLineCount(1);
    }

    @Test
    @Timeout(10)
    void wantsAProtocol() {
        CliRun cli = CliRun.withInput("");
        assertThat(cli.run("send", "127.0.0.1")).isEqualTo(DualchatCli.USAGE);
        assertThat(cli.err()).startsWith("dualchat: ").hasLineCount(1);
    }
}
