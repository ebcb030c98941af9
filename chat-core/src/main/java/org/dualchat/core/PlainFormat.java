package org.dualchat.core;

import java.io.IOException;
import java.io.Writer;

/**
 * The {@link MessageFormat#PLAIN} line, {@code ip : text}, with two options an operator watching a terminal
 * or reading a log wants: the time of receipt in front, and the sender coloured by the protocol it used.
 *
 * <pre>{@code
 * MessageFormat format = PlainFormat.of(true, true);
 * // 2025-01-02T10:41:07.012Z \e[36m127.0.0.1\e[0m : hello     (UDP senders in cyan)
 * }</pre>
 *
 * <p>Colours: UDP cyan, TCP green, WebSocket magenta, the server's console yellow. Only the sender is coloured, so the text,
 * made safe by {@link TextSafety}, cannot be mistaken for part of an escape sequence.
 */
public final class PlainFormat implements MessageFormat {

    static final String RESET = "\u001b[0m";
    static final String CYAN = "\u001b[36m";
    static final String GREEN = "\u001b[32m";
    static final String YELLOW = "\u001b[33m";
    static final String MAGENTA = "\u001b[35m";

    private final boolean timestamps;
    private final boolean color;
    private final IsoTime time = new IsoTime();

    private PlainFormat(boolean timestamps, boolean color) {
        this.timestamps = timestamps;
        this.color = color;
    }

    /**
     * The plain format, with the time of receipt in front of each line if {@code timestamps}, and the
     * sender coloured if {@code color}; {@link MessageFormat#PLAIN} itself when neither.
     */
    public static MessageFormat of(boolean timestamps, boolean color) {
        return timestamps || color ? new PlainFormat(timestamps, color) : PLAIN;
    }

    @Override
    public void write(ChatMessage message, Writer out) throws IOException {
        if (timestamps) {
            time.write(message.receivedAt(), out);
            out.write(' ');
        }
        String colour = color ? colorOf(message.protocol()) : null;
        if (message.action()) {
            // An action (/me): "* alice@127.0.0.1 waves", as IRC clients show one.
            out.write("* ");
        }
        if (colour != null) {
            out.write(colour);
        }
        if (message.nick() != null) {
            out.write(TextSafety.escape(message.nick()));
            out.write('@');
        }
        out.write(message.ip());
        if (colour != null) {
            out.write(RESET);
        }
        out.write(message.action() ? " " : " : ");
        out.write(TextSafety.escape(message.text()));
        out.write('\n');
    }

    /** The colour of a sender by protocol; {@code null} for none. */
    static String colorOf(Protocol protocol) {
        switch (protocol) {
            case UDP:
                return CYAN;
            case TCP:
                return GREEN;
            case WS:
                return MAGENTA;
            case CONSOLE:
                return YELLOW;
            default:
                return null;
        }
    }
}
