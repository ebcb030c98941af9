package org.dualchat.netty;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.testing.LineCollector;
import org.dualchat.netty.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Debian's {@code telnet} in a real terminal (tmux) against the server: lines go through, its option
 * negotiation is answered and never printed, and Ctrl-C ends the session with a bye, as {@code /quit}.
 */
@Timeout(60)
class TelnetIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final String tmux = "tmux -L dualchat-telnet-" + ProcessHandle.current().pid();

    @Test
    void telnetChatsNegotiatesNothingPrintsNoJunkAndCtrlCQuits() throws Exception {
        Tools.require("telnet", "telnet");
        Tools.require("tmux", "tmux");
        LineCollector out = LineCollector.open();
        ChatServerConfig config = ChatServerConfig.builder().udpPort(0).tcpPort(0).build();
        try (ChatServer server = new ChatServer(config, new PrintingSink(out, MessageFormat.PLAIN))) {
            server.start();
            shell(tmux + " new-session -d -s t -x 100 -y 20 'telnet 127.0.0.1 " + server.tcpAddress().getPort()
                    + "; sleep 30'");
            awaitPane(p -> p.contains("/help lists the commands"));
            shell(tmux + " send-keys -t t 'hello from telnet' Enter");
            assertThat(out.awaitCount(1, WAIT)).containsExactly("127.0.0.1 : hello from telnet");

            // Character mode: telnet asks the server to suppress go-ahead and to echo (IAC DO ...).
            shell(tmux + " send-keys -t t C-]");
            awaitPane(p -> p.contains("telnet>"));
            shell(tmux + " send-keys -t t 'mode character' Enter");
            Thread.sleep(300);
            shell(tmux + " send-keys -t t 'second line' Enter");
            assertThat(out.awaitCount(2, WAIT)).containsExactly(
                    "127.0.0.1 : hello from telnet", "127.0.0.1 : second line");

            // Ctrl-C: IAC IP IAC DO TIMING-MARK. The bye shows, then telnet is told the connection closed.
            shell(tmux + " send-keys -t t C-c");
            String pane = awaitPane(p -> p.contains("Connection closed by foreign host"));
            assertThat(pane).contains("* bye");
            assertThat(pane).doesNotContain("\ufffd").doesNotContain("\\x");
            Thread.sleep(200);
            assertThat(out.lines()).containsExactly("127.0.0.1 : hello from telnet", "127.0.0.1 : second line");
        } finally {
            shell(tmux + " kill-server");
        }
    }

    private String awaitPane(Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String pane = shell(tmux + " capture-pane -p -t t");
        while (!condition.test(pane) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            pane = shell(tmux + " capture-pane -p -t t");
        }
        assertThat(condition.test(pane)).as("terminal screen:%n%s", pane).isTrue();
        return pane;
    }

    private static String shell(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), UTF_8);
        p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
        return text;
    }
}
