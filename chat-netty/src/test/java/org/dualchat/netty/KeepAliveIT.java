package org.dualchat.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.common.TransportType;
import org.dualchat.netty.testing.LineCollector;
import org.dualchat.netty.testing.Loopback;
import org.dualchat.netty.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Readers stay, dead peers go: no idle timeout by default, and every accepted socket carries keepalive with
 * the configured probe time, as the kernel itself reports it ({@code ss -o} shows the keepalive timer).
 */
@Timeout(60)
class KeepAliveIT {

    @Test
    void aClientThatOnlyReadsIsNotJudgedIdleByDefault() {
        ChatServerConfig config = ChatServerConfig.builder().build();
        assertThat(config.idleTimeout()).isZero();
        assertThat(config.listenOptions().keepAlive()).isEqualTo(Duration.ofSeconds(60));
    }

    @ParameterizedTest
    @EnumSource(value = TransportType.class, names = {"NIO", "EPOLL"})
    void acceptedSocketsProbeWithTheConfiguredIdleTime(TransportType transport) throws Exception {
        assumeTrue(transport != TransportType.EPOLL || Epoll.isAvailable(), "no epoll here");
        Tools.require("ss", "iproute2");
        ChatServerConfig config = ChatServerConfig.builder().udpPort(0).tcpPort(0).transport(transport)
                .keepAlive(Duration.ofSeconds(37)).build();
        try (ChatServer server = new ChatServer(config, new PrintingSink(LineCollector.open(), MessageFormat.PLAIN))) {
            server.start();
            int port = server.tcpAddress().getPort();
            try (Socket reader = new Socket(InetAddress.getLoopbackAddress(), port)) {
                reader.setSoTimeout(10_000);
                assertThat(Loopback.readLine(reader.getInputStream())).isEqualTo("Server connected");
                // The server's side of the connection: source port is the server's.
                String timer = keepAliveTimer(port);
                assertThat(timer).as("ss -o for the accepted socket").isNotNull();
                Matcher m = Pattern.compile("keepalive,(\\d+)(?:min)?(\\d*)").matcher(timer);
                assertThat(m.find()).as(timer).isTrue();
                long seconds = timer.contains("min") ? 60L * Long.parseLong(m.group(1)) + parse(m.group(2))
                        : Long.parseLong(m.group(1));
                assertThat(seconds).as(timer).isBetween(30L, 37L);
            }
        }
    }

    @Test
    void keepAliveOffLeavesTheSocketWithoutTimer() throws Exception {
        Tools.require("ss", "iproute2");
        ChatServerConfig config = ChatServerConfig.builder().udpPort(0).tcpPort(0).keepAlive(Duration.ZERO).build();
        try (ChatServer server = new ChatServer(config, new PrintingSink(LineCollector.open(), MessageFormat.PLAIN))) {
            server.start();
            int port = server.tcpAddress().getPort();
            try (Socket reader = new Socket(InetAddress.getLoopbackAddress(), port)) {
                reader.setSoTimeout(10_000);
                assertThat(Loopback.readLine(reader.getInputStream())).isEqualTo("Server connected");
                assertThat(ssLine(port)).isNotNull().doesNotContain("keepalive");
            }
        }
    }

    @Test
    void aPartialLineIsNeverHeldForeverEvenWhenTheConfigWaitsForTheNewline() {
        ChatServerConfig waits = ChatServerConfig.builder().partialLineTimeout(Duration.ZERO).build();
        assertThat(TcpChannelInitializer.partialLineNanos(waits.framingOptions()))
                .isEqualTo(TcpChannelInitializer.MAX_PARTIAL_LINE_HOLD.toNanos()).isPositive();
        ChatServerConfig quick = ChatServerConfig.builder().partialLineTimeout(Duration.ofMillis(200)).build();
        assertThat(TcpChannelInitializer.partialLineNanos(quick.framingOptions())).isEqualTo(Duration.ofMillis(200).toNanos());
    }

    private static long parse(String digits) {
        return digits.isEmpty() ? 0 : Long.parseLong(digits);
    }

    private static String keepAliveTimer(int serverPort) throws Exception {
        String line = ssLine(serverPort);
        if (line == null) {
            return null;
        }
        int at = line.indexOf("timer:(");
        return at < 0 ? line : line.substring(at);
    }

    /** The established socket whose local port is {@code serverPort}, as {@code ss -tno} prints it. */
    private static String ssLine(int serverPort) throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            Process ss = new ProcessBuilder("ss", "-tnoH", "state", "established", "sport", "=", ":" + serverPort)
                    .redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!ss.waitFor(10, TimeUnit.SECONDS)) {
                ss.destroy();
                throw new IOException("ss did not finish");
            }
            if (!out.isEmpty()) {
                return out;
            }
            Thread.sleep(100);
        }
        return null;
    }
}
