package org.dualchat.redis.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fixture itself: a real Redis that answers, keeps a stream across a restart, and is gone after stop. */
@Timeout(30)
class RedisServerIT {

    @RegisterExtension
    final RedisExtension redis = new RedisExtension(true);

    @Test
    void answersKeepsDataAcrossARestartAndStops() throws Exception {
        RedisServer server = redis.server();
        assertThat(server.command("PING")).isEqualTo("PONG");
        assertThat(Files.readString(Path.of("/proc/" + server.pid() + "/cmdline"))).contains("redis-server");
        server.command("XADD", "s", "*", "f", "v");
        long before = server.pid();
        server.restart();
        assertThat(server.pid()).isNotEqualTo(before);
        assertThat(server.command("XLEN", "s")).isEqualTo(1L);
        server.stop();
        assertThat(server.isRunning()).isFalse();
        assertThatThrownBy(() -> server.command("PING")).isInstanceOf(IOException.class);
    }

    @Test
    void saysWhenAPasswordIsNeeded() throws Exception {
        try (RedisServer locked = new RedisServer(false, "--requirepass", "sesame").start()) {
            assertThat(locked.command("PING")).isInstanceOf(RedisServer.RedisError.class)
                    .hasToString("RedisError[message=NOAUTH Authentication required.]");
        }
    }
}
