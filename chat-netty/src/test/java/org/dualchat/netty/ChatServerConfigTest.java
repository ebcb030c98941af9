package org.dualchat.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.dualchat.netty.room.RelayOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ChatServerConfigTest {

    @Test
    void theLimitsAreOnByDefaultButTheRate() {
        ChatServerConfig config = ChatServerConfig.builder().build();
        assertThat(config.maxConnections()).isEqualTo(4096);
        assertThat(config.maxConnectionsPerIp()).isEqualTo(64);
        assertThat(config.limitOptions().limitLoopback()).as("loopback sources are the operator's own").isFalse();
        assertThat(config.listenOptions().shutdownGrace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.idleTimeout()).as("a reader may stay").isZero();
        assertThat(config.rate()).as("no limit unless asked").isZero();
        assertThat(config.allow()).isEmpty();
        assertThat(config.deny()).isEmpty();
    }

    @Test
    void theBurstIsTwiceTheRateUnlessSet() {
        assertThat(ChatServerConfig.builder().rate(7).build().burst()).isEqualTo(14);
        assertThat(ChatServerConfig.builder().rate(7).burst(3).build().burst()).isEqualTo(3);
        assertThat(ChatServerConfig.builder().burst(3).rate(7).build().burst()).isEqualTo(3);
    }

    @Test
    void accessRulesAreKeptInCanonicalFormInTheOrderGiven() {
        ChatServerConfig config = ChatServerConfig.builder()
                .allow("10.0.0.0/8").allow("2001:DB8::/32").deny("::ffff:10.1.0.0/112").build();
        assertThat(config.allow()).containsExactly("10.0.0.0/8", "2001:db8::/32");
        assertThat(config.deny()).containsExactly("10.1.0.0/16");
    }

    @Test
    void badValuesAreRefusedWithTheFieldAndWhatWasExpected() {
        ChatServerConfig.Builder b = ChatServerConfig.builder();
        assertThatThrownBy(() -> b.maxConnections(0)).hasMessage("maxConnections: 0 (expected: >= 1)");
        assertThatThrownBy(() -> b.maxConnectionsPerIp(0)).hasMessage("maxConnectionsPerIp: 0 (expected: >= 1)");
        assertThatThrownBy(() -> b.idleTimeout(Duration.ofSeconds(-1))).hasMessage("idleTimeout: PT-1S (expected: >= 0)");
        assertThatThrownBy(() -> b.shutdownGrace(Duration.ofSeconds(-1)))
                .hasMessage("shutdownGrace: PT-1S (expected: >= 0)");
        assertThatThrownBy(() -> b.rate(-1)).hasMessage("rate: -1 (expected: 0-1000000)");
        assertThatThrownBy(() -> b.rate(1_000_001)).hasMessage("rate: 1000001 (expected: 0-1000000)");
        assertThatThrownBy(() -> b.burst(0)).hasMessage("burst: 0 (expected: >= 1)");
        assertThatThrownBy(() -> b.allow("10.0.0.0/33")).hasMessage(
                "allow: 10.0.0.0/33 (expected: an IP address or a CIDR block, such as 192.0.2.0/24 or 2001:db8::/32)");
        assertThatThrownBy(() -> b.deny(null)).isInstanceOf(NullPointerException.class).hasMessage("deny");
    }

    @Test
    void theChatPageIsOffByDefaultAndItsOriginsAreKeptNormalised() {
        ChatServerConfig plain = ChatServerConfig.builder().build();
        assertThat(plain.webOptions().port()).isEmpty();
        assertThat(plain.webOptions().bindAddress()).isNull();
        assertThat(plain.webOptions().allowOrigins()).isEmpty();
        ChatServerConfig web = ChatServerConfig.builder().httpPort(0)
                .httpAllowOrigin("HTTPS://Chat.Example.org:443").httpAllowOrigin("*").build();
        assertThat(web.webOptions().port()).hasValue(0);
        assertThat(web.webOptions().allowOrigins()).containsExactly("https://chat.example.org", "*");
        ChatServerConfig.Builder b = ChatServerConfig.builder();
        assertThatThrownBy(() -> b.httpPort(65536)).hasMessage("httpPort: 65536 (expected: 0-65535)");
        assertThatThrownBy(() -> b.httpAllowOrigin("chat.example.org"))
                .hasMessage("httpAllowOrigin: chat.example.org (expected: http(s)://host[:port], or *)");
        assertThatThrownBy(() -> b.httpAllowOrigin(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void theRelayBudgetIsSizedFromTheHeapUnlessSet() {
        assertThat(RelayOptions.defaultRelayBudget(64L << 20)).as("-Xmx64m").isEqualTo(4L << 20);
        assertThat(RelayOptions.defaultRelayBudget(8L << 20)).as("at least 1 MiB").isEqualTo(1L << 20);
        assertThat(RelayOptions.defaultRelayBudget(8L << 30)).as("at most 16 MiB").isEqualTo(16L << 20);
        assertThat(ChatServerConfig.builder().build().relayOptions().relayBudget())
                .isEqualTo(RelayOptions.defaultRelayBudget(Runtime.getRuntime().maxMemory()));
        assertThat(ChatServerConfig.builder().relayBudget(1L << 20).build().relayOptions().relayBudget()).isEqualTo(1L << 20);
        assertThatThrownBy(() -> ChatServerConfig.builder().relayBudget(1000))
                .hasMessage("relayBudget: 1000 (expected: 0 for the default, or >= 262144)");
    }
}
