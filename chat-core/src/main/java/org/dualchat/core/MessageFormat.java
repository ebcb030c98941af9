package org.dualchat.core;

import java.io.IOException;
import java.io.Writer;

/** Renders one message as one line of output. */
@FunctionalInterface
public interface MessageFormat {

    /** The seeds' shape: {@code ip : text}. */
    MessageFormat PLAIN = (message, out) -> {
        out.write(message.ip());
        out.write(" : ");
        out.write(message.text());
        out.write('\n');
    };

    /** Writes {@code message} and its line terminator to {@code out}. */
    void write(ChatMessage message, Writer out) throws IOException;
}
