package org.dualchat.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar dualchat.jar --http-port 0}: the page and the WebSocket from the shaded jar, with Java's own client. */
@Timeout(60)
class WebJarIT {

    private static final Pattern PAGE = Pattern.compile("Chat page on http://localhost:(\\d+)/ \\(WebSocket at /ws\\)");
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private Process server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.destroyForcibly();
        }
    }

    @Test
    void theJarServesThePageAndTakesAWebSocketClientIntoTheRoom() throws Exception {
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        server = new ProcessBuilder(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Paths.get(System.getProperty("dualchat.jar", "target/dualchat.jar")).toString(),
                "--udp-port", "0", "--tcp-port", "0", "--http-port", "0", "--format", "json"))
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        server.getOutputStream().close();
        String log = await(stderr, text -> PAGE.matcher(text).find() || !server.isAlive());
        Matcher m = PAGE.matcher(log);
        assertThat(m.find()).as("the page's address in the log: %s", log).isTrue();
        URI page = URI.create("http://127.0.0.1:" + m.group(1) + "/");

        HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).connectTimeout(WAIT).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(page).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-security-policy")).get().asString()
                .startsWith("default-src 'none'");
        assertThat(response.body()).contains("<title>dualchat</title>");

        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                received.add(data.toString());
                socket.request(1);
                return null;
            }
        };
        WebSocket ws = http.newWebSocketBuilder().connectTimeout(WAIT)
                .buildAsync(URI.create("ws://127.0.0.1:" + m.group(1) + "/ws"), listener)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("Server connected");
        ws.sendText("hello from java.net.http", true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        String out = await(stdout, text -> text.contains("hello from java.net.http"));
        assertThat(out).contains("\"protocol\":\"ws\",\"ip\":\"127.0.0.1\"").contains("\"text\":\"hello from java.net.http\"");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(WAIT.toSeconds(), TimeUnit.SECONDS);

        server.destroy(); // SIGTERM
        assertThat(server.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).isZero();
    }

    private static String await(Path file, Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String text = Files.exists(file) ? Files.readString(file, UTF_8) : "";
        while (!condition.test(text) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            text = Files.exists(file) ? Files.readString(file, UTF_8) : "";
        }
        return text;
    }
}
