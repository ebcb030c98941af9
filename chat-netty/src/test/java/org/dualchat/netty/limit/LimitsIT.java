package org.dualchat.netty.limit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.dualchat.netty.testing.Loopback.WAIT;
import static org.dualchat.netty.testing.Loopback.readLine;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import io.netty.channel.epoll.Epoll;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.ChatServerConfig;
import org.dualchat.netty.common.TransportType;
import org.dualchat.netty.stats.ServerStats.Drop;
import org.dualchat.netty.stats.ServerStats.Refusal;
import org.dualchat.netty.testing.LogCapture;
import org.dualchat.netty.testing.Loopback;
import org.dualchat.netty.testing.ServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/** Each limit end to end, over real loopback sockets from several loopback source addresses. */
@Timeout(60)
class LimitsIT {

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();

    @BeforeEach
    void needsSeveralSources() {
        Loopback.assumeManySources();
    }

    private static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(UTF_8));
    }

    private long printedFrom(String source) {
        return servers.out().lines().stream().filter(l -> l.startsWith(source + " : ")).count();
    }

    @Test
    void oneConnectionTooManyFromOneAddressIsToldWhyClosedAndCounted() throws Exception {
        ChatServer server = servers.start(config -> config.maxConnectionsPerIp(3).limitLoopback(true));
        Socket first = servers.connectGreeted("127.0.0.1", server);
        servers.connectGreeted("127.0.0.1", server);
        servers.connectGreeted("127.0.0.1", server);

        Socket refused = servers.connect("127.0.0.1", server);
        assertThat(readLine(refused.getInputStream())).isEqualTo("Too many connections from your address: 3 at most");
        assertThat(refused.getInputStream().read()).isEqualTo(-1);
        assertThat(server.stats().refused(Refusal.PER_IP_LIMIT)).isEqualTo(1);

        // Another address is not held back; and once one of the three leaves, the first address may come back.
        servers.connectGreeted("127.0.0.2", server);
        first.close();
        assertThat(Loopback.await(() -> server.limits().connections().total() == 3, WAIT)).isTrue();
        Socket back = servers.connectGreeted("127.0.0.1", server);
        write(back, "back in\n");
        assertThat(servers.out().awaitCount(1, WAIT)).containsExactly("127.0.0.1 : back in");
    }

    @Test
    void aFullServerTellsTheNextClientAndClosesIt() throws Exception {
        ChatServer server = servers.start(config -> config.maxConnections(2));
        servers.connectGreeted("127.0.0.1", server);
        servers.connectGreeted("127.0.0.2", server);
        Socket refused = servers.connect("127.0.0.3", server);
        assertThat(readLine(refused.getInputStream())).isEqualTo("Server full: 2 connections, try again later");
        assertThat(refused.getInputStream().read()).isEqualTo(-1);
        assertThat(server.stats().refused(Refusal.TOTAL_LIMIT)).isEqualTo(1);
        assertThat(server.limits().connections().total()).isEqualTo(2);
    }

    @Test
    void aConnectionLimitLargerThanTheKernelsAcceptQueuesIsPointedOutAtStartAndTheDefaultIsNot() throws Exception {
        ch.qos.logback.classic.Logger limitsLog = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Limits.class);
        Level level = limitsLog.getLevel();
        limitsLog.setLevel(Level.INFO); // the tests log WARN and above only
        try (LogCapture log = LogCapture.start()) {
            servers.start();
            assertThat(log.messages(Level.INFO)).noneMatch(line -> line.contains("net.core.somaxconn"));
            // NIO binds one socket a port: one queue.
            servers.start(config -> config.transport(TransportType.NIO).maxConnections(NetUtil.SOMAXCONN + 1));
            assertThat(log.messages(Level.INFO)).filteredOn(line -> line.contains("net.core.somaxconn"))
                    .containsExactly(Limits.acceptQueueNote(NetUtil.SOMAXCONN + 1, NetUtil.SOMAXCONN));
            if (Epoll.isAvailable()) {
                // Epoll binds two sockets for this limit, whose queues hold it; beyond sixteen, the note again.
                servers.start(config -> config.transport(TransportType.EPOLL).maxConnections(NetUtil.SOMAXCONN + 1));
                int sixteen = 16 * NetUtil.SOMAXCONN;
                servers.start(config -> config.transport(TransportType.EPOLL).maxConnections(sixteen + 1));
                assertThat(log.messages(Level.INFO)).filteredOn(line -> line.contains("net.core.somaxconn"))
                        .containsExactly(Limits.acceptQueueNote(NetUtil.SOMAXCONN + 1, NetUtil.SOMAXCONN),
                                Limits.acceptQueueNote(sixteen + 1, sixteen));
            }
        } finally {
            limitsLog.setLevel(level);
        }
    }

    @ParameterizedTest
    @EnumSource(value = TransportType.class, names = {"EPOLL", "NIO"})
    void theAccessListHoldsForBothProtocolsAndForIpv4OnTheDualStackSocket(TransportType transport) throws Exception {
        assumeTrue(transport != TransportType.EPOLL || Epoll.isAvailable(), "no epoll here");
        // Bound to all interfaces: where the host has IPv6, IPv4 clients arrive as ::ffff:127.0.0.x.
        ChatServer server = servers.start(config -> config.transport(transport)
                .allow("127.0.0.0/8").deny("127.0.0.2"));

        Socket denied = servers.connect("127.0.0.2", server);
        assertThat(denied.getInputStream().read()).as("closed at accept, not even greeted").isEqualTo(-1);
        assertThat(server.stats().refused(Refusal.DENIED)).isEqualTo(1);

        Socket allowed = servers.connectGreeted("127.0.0.1", server);
        write(allowed, "tcp allowed\n");
        Loopback.send(servers.udp("127.0.0.2"), server, "udp denied".getBytes(UTF_8));
        Loopback.send(servers.udp("127.0.0.1"), server, "udp allowed".getBytes(UTF_8));
        assertThat(Loopback.await(() -> server.stats().dropped(Drop.DENIED) == 1, WAIT)).isTrue();
        assertThat(servers.out().awaitCount(2, WAIT)).containsExactlyInAnyOrder("127.0.0.1 : tcp allowed", "127.0.0.1 : udp allowed");

        // Only 127.0.0.0/8 is allowed: the IPv6 loopback is not.
        Socket ipv6;
        try {
            ipv6 = servers.connect("::1", server);
        } catch (IOException e) {
            return; // no IPv6 here
        }
        assertThat(ipv6.getInputStream().read()).isEqualTo(-1);
        assertThat(server.stats().refused(Refusal.DENIED)).isEqualTo(2);
    }

    @Test
    void aSilentClientIsToldAndClosedAfterTheIdleTimeout() throws Exception {
        ChatServer server = servers.start(config -> config.idleTimeout(Duration.ofSeconds(1)));
        Socket silent = servers.connectGreeted("127.0.0.1", server);
        InputStream in = silent.getInputStream();
        assertThat(Loopback.readServerLine(in)).isEqualTo("Idle timeout: no message in 1 second, closing");
        assertThat(in.read()).isEqualTo(-1);
        assertThat(Loopback.await(() -> server.limits().connections().total() == 0, WAIT)).isTrue();
    }

    @Test
    void aClientThatTricklesBytesButNeverALineIsClosedLikeASilentOne() throws Exception {
        // The partial-line timeout is longer than the gaps: the trickle never makes a message.
        // limitLoopback: so that the per-source count tells when the trickler is gone.
        ChatServer server = servers.start(config -> config.idleTimeout(Duration.ofSeconds(1))
                .partialLineTimeout(Duration.ofSeconds(5)).limitLoopback(true));
        Socket trickler = servers.connectGreeted("127.0.0.1", server);
        Socket chatty = servers.connectGreeted("127.0.0.2", server);
        OutputStream trickle = trickler.getOutputStream();
        long started = System.nanoTime();
        int sent = 0;
        // Bounded: at most 10 s of one byte every 50 ms, and one line every 300 ms from the chatty client.
        try {
            while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10)
                    && server.limits().connections().from(InetAddress.getByName("127.0.0.1")) > 0) {
                trickle.write('x');
                trickle.flush();
                sent++;
                if (sent % 6 == 0) {
                    write(chatty, "chat " + sent + "\n");
                }
                Thread.sleep(50);
            }
        } catch (IOException closedByServer) {
            // The server closed the trickler while we wrote: what we are waiting for.
        }
        assertThat(Loopback.readServerLine(trickler.getInputStream()))
                .isEqualTo("Idle timeout: no message in 1 second, closing");
        assertThat(Loopback.await(() -> server.limits().connections().total() == 1, WAIT))
                .as("the trickler is gone, the chatty client is still here").isTrue();
        write(chatty, "still here\n");
        assertThat(servers.out().await(l -> l.contains("127.0.0.2 : still here"), WAIT)).contains("127.0.0.2 : still here");
        // What the trickler had sent is printed once, when its connection ends.
        assertThat(servers.out().lines()).filteredOn(l -> l.startsWith("127.0.0.1 : ")).hasSize(1)
                .allMatch(l -> l.matches("127\\.0\\.0\\.1 : x+"));
    }

    @Test
    void udpOverTheRateIsDroppedAndCountedAndOtherSourcesPass() throws Exception {
        ChatServer server = servers.start(config -> config.rate(10).burst(5));
        DatagramSocket flooder = servers.udp("127.0.0.2");
        long started = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            Loopback.send(flooder, server, ("flood " + i).getBytes(UTF_8));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(Loopback.await(() -> server.stats().dropped(Drop.RATE_LIMIT) + printedFrom("127.0.0.2") == 50, WAIT))
                .isTrue();
        // The burst, plus what the rate refilled while we were sending.
        assertThat(printedFrom("127.0.0.2")).isBetween(5L, 5L + 1 + (long) (10 * seconds));

        Loopback.send(servers.udp("127.0.0.1"), server, "another source".getBytes(UTF_8));
        assertThat(servers.out().await(l -> l.contains("127.0.0.1 : another source"), WAIT)).contains("127.0.0.1 : another source");
    }

    @Test
    void tcpOverTheRateIsSlowedNotDroppedAndSharesTheSourcesAllowanceWithUdp() throws Exception {
        ChatServer server = servers.start(config -> config.rate(10).burst(5));
        Socket fast = servers.connectGreeted("127.0.0.2", server);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            lines.append("line ").append(i).append('\n');
        }
        write(fast, lines.toString());
        // Nothing is dropped: all 60 are printed, however the reads fell.
        assertThat(Loopback.await(() -> printedFrom("127.0.0.2") == 60, Duration.ofSeconds(20))).isTrue();

        // 60 lines at 10 a second with a burst of 5: the source owes about 5.5 s. Its next line waits
        // that long, its datagrams are dropped meanwhile, and another source is not held up at all.
        long sent = System.nanoTime();
        write(fast, "late\n");
        Loopback.send(servers.udp("127.0.0.2"), server, "udp while owing".getBytes(UTF_8));
        Socket other = servers.connectGreeted("127.0.0.1", server);
        write(other, "not held up\n");
        assertThat(servers.out().await(l -> l.contains("127.0.0.1 : not held up"), WAIT)).contains("127.0.0.1 : not held up");
        assertThat(Loopback.await(() -> server.stats().dropped(Drop.RATE_LIMIT) == 1, WAIT)).isTrue();
        assertThat(servers.out().await(l -> l.contains("127.0.0.2 : late"), Duration.ofSeconds(20))).contains("127.0.0.2 : late");
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
        assertThat(waitedMillis).as("the late line waited for the source's debt").isGreaterThan(3_000);
        assertThat(servers.out().lines()).doesNotContain("127.0.0.2 : udp while owing");
    }

    @Test
    void aLineOverTheMaximumIsPrintedInPiecesAndCountedOnce() throws Exception {
        ChatServer server = servers.start(config -> config.maxLineLength(1024));
        Socket client = servers.connectGreeted("127.0.0.1", server);
        write(client, "y".repeat(3000) + "\nshort\n");
        List<String> lines = servers.out().awaitCount(4, WAIT);
        assertThat(lines).containsExactly("127.0.0.1 : " + "y".repeat(1024), "127.0.0.1 : " + "y".repeat(1024),
                "127.0.0.1 : " + "y".repeat(952), "127.0.0.1 : short");
        assertThat(server.stats().linesSplit()).isEqualTo(1);
    }
}
