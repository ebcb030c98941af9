package org.dualchat.netty.room;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ChatCommands}: what counts as a command, its name and argument, and the {@code //} escape. */
class ChatCommandsTest {

    @ParameterizedTest
    @ValueSource(strings = {"/nick alice", "/who", "/me waves", "/quit", "/quit gone home", "/help", "/NICK Bob",
        "/frobnicate", "/x"})
    void aSlashAndAWordOfLettersThenASpaceOrTheEndIsACommand(String line) {
        assertThat(ChatCommands.isCommand(line)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "/ ", "/ who", "/42", "/var/log/syslog", "/who?", "/nick\talice", "//nick alice",
        "nick /who", " /who", "/été", "/me-too"})
    void anythingElseIsText(String line) {
        assertThat(ChatCommands.isCommand(line)).isFalse();
    }

    @Test
    void theNameIsLowerCaseWithoutTheSlash() {
        assertThat(ChatCommands.name("/NICK Bob")).isEqualTo("nick");
        assertThat(ChatCommands.name("/who")).isEqualTo("who");
    }

    @Test
    void theArgumentIsWhatFollowsTrimmed() {
        assertThat(ChatCommands.argument("/nick   alice  ")).isEqualTo("alice");
        assertThat(ChatCommands.argument("/quit gone  home")).isEqualTo("gone  home");
        assertThat(ChatCommands.argument("/who")).isEmpty();
        assertThat(ChatCommands.argument("/who ")).isEmpty();
    }

    @Test
    void aLeadingDoubleSlashSendsTheRestAsText() {
        assertThat(ChatCommands.text("//nick alice")).isEqualTo("/nick alice");
        assertThat(ChatCommands.text("///")).isEqualTo("//");
        assertThat(ChatCommands.text("/var/log/syslog")).isEqualTo("/var/log/syslog");
        assertThat(ChatCommands.text("plain")).isEqualTo("plain");
    }

    @Test
    void theHelpNamesEveryCommandAndTheNickLimit() {
        String help = String.join("\n", ChatCommands.HELP);
        assertThat(help).contains("/nick NAME", "/who", "/me ACTION", "/quit [REASON]", "/help", "//",
                "up to " + Nicks.MAX_LENGTH);
        assertThat(ChatCommands.HELP).allMatch(line -> line.startsWith("* "));
    }
}
