package org.dualchat.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.ChatServerConfig;
import org.dualchat.netty.testing.LineCollector;
import org.dualchat.netty.testing.ServerExtension;

/** Test support: in-process nodes of one room in a real Redis, each with its own stdout, and their clients. */
final class Nodes {

    private final ServerExtension servers;
    private final String uri;
    private final java.util.Map<ChatServer, RedisRoom> rooms = new java.util.concurrent.ConcurrentHashMap<>();

    Nodes(ServerExtension servers, String uri) {
        this.servers = servers;
        this.uri = uri;
    }

    /** A node printing to {@code out}, in the room, with {@code options} adjusted. */
    ChatServer start(LineCollector out, Consumer<RedisOptions.Builder> options) throws IOException {
        return start(out, options, server -> { });
    }

    /** A node printing to {@code out}, in the room, with {@code options} and its server's {@code config} adjusted. */
    ChatServer start(LineCollector out, Consumer<RedisOptions.Builder> options,
            Consumer<ChatServerConfig.Builder> config) throws IOException {
        RedisOptions.Builder redis = RedisOptions.builder(uri);
        options.accept(redis);
        ChatServerConfig.Builder server = ChatServerConfig.builder().udpPort(0).tcpPort(0).bindAddress(
                java.net.InetAddress.getLoopbackAddress());
        config.accept(server);
        RedisOptions built = redis.build();
        RedisRoom[] made = new RedisRoom[1];
        server.roomFactory((local, stats, sink) -> made[0] = new RedisRoom(built, local, stats, sink));
        ChatServer node = servers.start(server.build(), new PrintingSink(out, MessageFormat.PLAIN));
        rooms.put(node, made[0]);
        return node;
    }

    /** The room of a node this started. */
    RedisRoom room(ChatServer node) {
        return rooms.get(node);
    }

    ChatServer start(LineCollector out) throws IOException {
        return start(out, options -> { });
    }

    /** A TCP client of {@code node}, greeted. */
    Socket client(ChatServer node) throws IOException {
        return servers.connectGreeted(node);
    }

    static void say(Socket client, String... lines) throws IOException {
        OutputStream out = client.getOutputStream();
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append('\n');
        }
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next {@code count} relayed messages ({@code sender : text}), skipping the room's notices. */
    static List<String> messages(Socket client, int count) throws IOException {
        InputStream in = client.getInputStream();
        List<String> messages = new ArrayList<>(count);
        while (messages.size() < count) {
            String line = ServerExtension.readLine(in);
            assertThat(line).as("a line after %s", messages).isNotEmpty();
            if (!line.startsWith("* ")) {
                messages.add(line);
            }
        }
        return messages;
    }

    static String message(Socket client) throws IOException {
        return messages(client, 1).get(0);
    }

    /** How the room labels {@code client}: its address and port. */
    static String port(Socket client) {
        return "127.0.0.1:" + client.getLocalPort();
    }

    /** Reads lines until one matches; fails if none does within the socket's timeout. */
    static String awaitLine(Socket client, Predicate<String> wanted) throws IOException {
        while (true) {
            String line = ServerExtension.readLine(client.getInputStream());
            assertThat(line).as("a line").isNotNull();
            if (wanted.test(line)) {
                return line;
            }
        }
    }
}
