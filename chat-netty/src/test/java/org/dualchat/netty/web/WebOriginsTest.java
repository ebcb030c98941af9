package org.dualchat.netty.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which pages may open the WebSocket: the page's own origin, the allowed ones, and nothing malformed. */
class WebOriginsTest {

    @Test
    void originsAreNormalisedAndOnlyHttpOriginsAccepted() {
        assertThat(WebOrigins.normalize("HTTPS://Chat.Example.org:443")).isEqualTo("https://chat.example.org");
        assertThat(WebOrigins.normalize("http://127.0.0.1:8080")).isEqualTo("http://127.0.0.1:8080");
        assertThat(WebOrigins.normalize("http://[::1]:80")).isEqualTo("http://[::1]");
        assertThat(WebOrigins.normalize("*")).isEqualTo("*");
        for (String bad : new String[] {"null", "chat.example.org", "ftp://x", "https://x/path", "https://u@x",
                "http://x?q", "http:// x"}) {
            assertThatThrownBy(() -> WebOrigins.normalize(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: http(s)://host[:port]");
        }
    }

    @Test
    void thePagesOwnOriginAndTheAllowedOnesAreLetIn() {
        WebOrigins origins = new WebOrigins(List.of("https://chat.example.org"));
        assertThat(origins.permits("http://127.0.0.1:8080", "127.0.0.1:8080", false)).isTrue();
        assertThat(origins.permits("https://127.0.0.1:8080", "127.0.0.1:8080", true)).isTrue();
        assertThat(origins.permits("http://127.0.0.1:8080", "127.0.0.1:8080", true)).as("scheme differs").isFalse();
        assertThat(origins.permits("http://localhost", "localhost:80", false)).isTrue();
        assertThat(origins.permits("http://127.0.0.1:8081", "127.0.0.1:8080", false)).isFalse();
        assertThat(origins.permits("https://chat.example.org", "127.0.0.1:8080", false)).isTrue();
        assertThat(origins.permits("https://evil.example", "127.0.0.1:8080", false)).isFalse();
        assertThat(origins.permits("null", "127.0.0.1:8080", false)).isFalse();
        assertThat(origins.permits("https://evil.example", null, false)).isFalse();
        assertThat(origins.permits(null, "127.0.0.1:8080", false)).as("not a browser").isTrue();
        assertThat(new WebOrigins(List.of("*")).permits("https://evil.example", "x", false)).isTrue();
    }
}
