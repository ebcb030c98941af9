package org.dualchat.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ClientTlsTest {

    private static final String HEX = "3A:F0:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:23:45:67:89:AB:CD:EF:10:32:54:76:98:BA";

    @Test
    void aFingerprintMayHaveColonsAndEitherCase() {
        String bare = "3af000112233445566778899aabbccddeeff0123456789abcdef1032547698ba";
        assertThat(ClientTls.normalizeFingerprint(HEX)).isEqualTo(bare);
        assertThat(ClientTls.normalizeFingerprint(" " + bare.toUpperCase() + "\n")).isEqualTo(bare);
    }

    @Test
    void anythingElseIsNotAFingerprint() {
        for (String bad : new String[] {"", "3A:F0", HEX + ":00", HEX.replace('F', 'G'), "sha256:" + HEX}) {
            assertThatThrownBy(() -> ClientTls.normalizeFingerprint(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("not a SHA-256 fingerprint: '" + bad + "' (expected: 64 hex digits, colons allowed)");
        }
    }
}
