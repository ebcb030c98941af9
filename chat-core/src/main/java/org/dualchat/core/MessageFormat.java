package org.dualchat.core;

import java.io.IOException;
import java.io.Writer;

/** Renders one message as one line of output. */
@FunctionalInterface
public interface MessageFormat {

    /**
     * The seeds' shape, {@code ip : text}, or {@code nick@ip : text} once the sender has a nick; the
     * nick and the text made safe for a terminal by {@link TextSafety}. An action ({@code /me waves}) is
     * {@code * nick@ip waves}.
     */
    MessageFormat PLAIN = (message, out) -> {
        if (message.action()) {
            out.write("* ");
        }
        if (message.nick() != null) {
            out.write(TextSafety.escape(message.nick()));
            out.write('@');
        }
        out.write(message.ip());
        out.write(message.action() ? " " : " : ");
        out.write(TextSafety.escape(message.text()));
        out.write('\n');
    };

    /** Writes {@code message} and its line terminator to {@code out}. */
    void write(ChatMessage message, Writer out) throws IOException;
}
