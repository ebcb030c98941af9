package org.dualchat.cli.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.dualchat.cli.CliRun;
import org.dualchat.cli.DualchatCli;
import org.dualchat.netty.ChatServerConfig;
import org.dualchat.netty.room.RoomFactory;
import org.dualchat.redis.testing.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code --redis} and its options: parsing, usage errors (exit 2), and a Redis that cannot be joined (exit 1). */
@Timeout(60)
class RedisServerOptionsTest {

    private static ChatServerConfig config(String... args) {
        return OptionGroups.config(new RedisServerOptions(), args);
    }

    @Test
    void withoutRedisTheRoomIsThisProcessAlone() {
        assertThat(config().relayOptions().roomFactory()).isSameAs(RoomFactory.LOCAL);
        assertThat(config("--redis", "redis://127.0.0.1:6379", "--room", "ops", "--redis-maxlen", "5000",
                "--print-room").relayOptions().roomFactory()).isNotSameAs(RoomFactory.LOCAL);
    }

    @Test
    void badValuesAreOneLineUsageErrors() {
        assertUsageError(new String[] {"--redis", "http://127.0.0.1:6379"}, "Invalid value for option '--redis': ");
        assertUsageError(new String[] {"--redis", "redis://"}, "Invalid value for option '--redis': ");
        assertUsageError(new String[] {"--redis", "redis://127.0.0.1", "--room", "a b"},
                "Invalid value for option '--room': a b (expected: 1 to 64 letters, digits or _ . : @ -)");
        assertUsageError(new String[] {"--redis", "redis://127.0.0.1", "--redis-maxlen", "10"},
                "Invalid value for option '--redis-maxlen': 10 (expected: >= 100)");
        assertUsageError(new String[] {"--redis", "redis://127.0.0.1", "--redis-own", "both"},
                "Invalid value for option '--redis-own': both (expected: stream or local)");
        assertUsageError(new String[] {"--room", "ops"}, "--room needs --redis");
        assertUsageError(new String[] {"--print-room"}, "--print-room needs --redis");
        assertUsageError(new String[] {"--redis", "redis://127.0.0.1", "--no-relay"},
                "--redis needs the relay: not with --no-relay");
    }

    @Test
    void anUnreachableRedisIsAOneLineFailure() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        CliRun run = CliRun.withInput("");
        assertThat(run.run("-u", "0", "-t", "0", "--redis", "redis://127.0.0.1:" + port)).isEqualTo(DualchatCli.FAILURE);
        assertThat(run.err()).startsWith("dualchat: cannot join the room: Redis at 127.0.0.1:" + port + ": ")
                .containsIgnoringCase("refused").hasLineCount(1);
    }

    @Test
    void aWrongPasswordIsAOneLineFailureThatDoesNotShowThePassword() throws Exception {
        try (RedisServer redis = new RedisServer(false, "--requirepass", "sesame").start()) {
            CliRun run = CliRun.withInput("");
            assertThat(run.run("-u", "0", "-t", "0", "--redis", "redis://wrong@127.0.0.1:" + redis.port()))
                    .isEqualTo(DualchatCli.FAILURE);
            assertThat(run.err()).startsWith("dualchat: cannot join the room: Redis at 127.0.0.1:" + redis.port() + ": ")
                    .contains("WRONGPASS").doesNotContain("wrong@").hasLineCount(1);
        }
    }

    private static void assertUsageError(String[] args, String message) {
        CliRun run = CliRun.withInput("");
        assertThat(run.run(args)).as("exit code of %s", String.join(" ", args)).isEqualTo(DualchatCli.USAGE);
        assertThat(run.err()).contains(message).hasLineCount(1);
        assertThat(run.out()).isEmpty();
    }
}
