package org.dualchat.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import org.dualchat.netty.common.Checks.OutOfRange;
import org.dualchat.netty.limit.LimitOptions;
import org.dualchat.netty.metrics.ObservabilityOptions;
import org.dualchat.netty.room.RelayOptions;
import org.dualchat.netty.tls.ServerTls;
import org.dualchat.netty.tls.TlsOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The option groups of {@link ChatServerConfig}: absent values, checks across groups, whole groups. */
@Timeout(10)
class OptionGroupsTest {

    @Test
    void whatIsAbsentIsEmptyOrNullNeverMinusOne() {
        ChatServerConfig config = ChatServerConfig.builder().build();
        assertThat(config.observabilityOptions().metricsPort()).isEmpty();
        assertThat(config.observabilityOptions().metricsAddress()).isNull();
        assertThat(config.tlsOptions().port()).isEmpty();
        assertThat(config.tls()).isNull();
        assertThat(config.bindAddress()).isNull();
        assertThat(ChatServerConfig.builder().metricsPort(0).build().observabilityOptions().metricsPort()).hasValue(0);
        assertThat(ChatServerConfig.builder().metricsPort(9100).metricsPort(null).build()
                .observabilityOptions().metricsPort()).as("null takes it away again").isEmpty();
    }

    @Test
    void theTlsPortNeedsTlsAndAnotherPortThanTcp() throws Exception {
        assertThatThrownBy(() -> ChatServerConfig.builder().tlsPort(2223).build())
                .hasMessage("tlsPort: 2223 (expected: with tls)");
        ServerTls tls = ServerTls.selfSigned();
        assertThatThrownBy(() -> ChatServerConfig.builder().tcpPort(2300).tls(tls).tlsPort(2300).build())
                .hasMessage("tlsPort: 2300 (expected: other than tcpPort)");
        ChatServerConfig anyFree = ChatServerConfig.builder().tcpPort(0).tls(tls).tlsPort(0).build();
        assertThat(anyFree.tlsOptions().port()).hasValue(0);
        assertThat(anyFree.tls()).isSameAs(tls);
    }

    @Test
    void blocksAreParsedOnceWhenSet() {
        LimitOptions limits = LimitOptions.builder().allow("2001:DB8::/32").deny("::ffff:10.1.0.0/112").build();
        assertThat(limits.allow()).extracting(Object::toString).containsExactly("2001:db8::/32");
        assertThat(limits.deny()).extracting(Object::toString).containsExactly("10.1.0.0/16");
    }

    @Test
    void durationsHaveUpperBoundsThatSayTheirRange() {
        assertThatThrownBy(() -> FramingOptions.builder().partialLineTimeout(Duration.ofHours(2)))
                .hasMessage("partialLineTimeout: PT2H (expected: <= PT1H)")
                .isInstanceOfSatisfying(OutOfRange.class, e -> {
                    assertThat(e.min()).isEqualTo(Duration.ZERO);
                    assertThat(e.max()).isEqualTo(FramingOptions.MAX_PARTIAL_LINE_TIMEOUT);
                });
        assertThatThrownBy(() -> RelayOptions.builder().udpRelayWindow(Duration.ofSeconds(30)))
                .hasMessage("udpRelayWindow: PT30S (expected: >= PT1M)");
        assertThatThrownBy(() -> ObservabilityOptions.builder().statsInterval(Duration.ofDays(2)))
                .hasMessage("statsInterval: PT48H (expected: <= PT24H)");
        assertThatThrownBy(() -> LimitOptions.builder().idleTimeout(Duration.ofDays(1).plusSeconds(1)))
                .isInstanceOf(OutOfRange.class);
        assertThatThrownBy(() -> ListenOptions.builder().udpPort(65536))
                .hasMessage("udpPort: 65536 (expected: 0-65535)")
                .isInstanceOfSatisfying(OutOfRange.class, e -> assertThat(e.max()).isEqualTo(65535));
    }

    @Test
    void wholeGroupsReplaceWhatWasSetAndKeepTheirValues() throws Exception {
        LimitOptions limits = LimitOptions.builder().rate(5).allow("192.0.2.0/24").build();
        ChatServerConfig config = ChatServerConfig.builder()
                .rate(100)
                .limits(limits)
                .listen(ListenOptions.builder().udpPort(0).bindAddress(InetAddress.getLoopbackAddress()).build())
                .tlsOptions(TlsOptions.defaults())
                .maxConnections(7)
                .build();
        assertThat(config.rate()).as("the group replaced the rate set before it").isEqualTo(5);
        assertThat(config.burst()).isEqualTo(10);
        assertThat(config.maxConnections()).as("set after the group, on top of it").isEqualTo(7);
        assertThat(config.allow()).containsExactly("192.0.2.0/24");
        assertThat(config.udpPort()).isZero();
        assertThat(config.tcpPort()).isEqualTo(ListenOptions.DEFAULT_TCP_PORT);
        assertThat(config.bindAddress()).isEqualTo(InetAddress.getLoopbackAddress());
        assertThat(limits.rate()).as("the group itself is unchanged").isEqualTo(5);
        assertThat(limits.maxConnections()).isEqualTo(LimitOptions.DEFAULT_MAX_CONNECTIONS);
    }
}
