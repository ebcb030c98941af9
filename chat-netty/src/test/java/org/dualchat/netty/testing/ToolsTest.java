package org.dualchat.netty.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ToolsTest {

    @Test
    void aMissingToolFailsTheTestNamingWhatToInstall() {
        assertThatThrownBy(() -> Tools.require("dualchat-no-such-tool", "some-package"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("dualchat-no-such-tool is needed")
                .hasMessageContaining("apt-get install some-package");
        assertThatThrownBy(() -> Tools.require(Path.of("/nonexistent/dualchat-browser"), "chromium"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("/nonexistent/dualchat-browser is needed")
                .hasMessageContaining("apt-get install chromium");
    }

    @Test
    void aToolOnThePathPasses() {
        assertThat(Tools.onPath("sh")).isTrue();
        assertThat(Tools.onPath("dualchat-no-such-tool")).isFalse();
        Tools.require("sh", "dash");
    }
}
