package org.dualchat.cli.format;

import org.dualchat.core.MessageFormat;

/** How the clients show what they receive. */
public final class ReceivedFormat {

    private static final String CYAN = "\u001b[36m";
    private static final String RESET = "\u001b[0m";

    private ReceivedFormat() {}

    /**
     * The text alone, as the server sent it: {@code send tcp} shows the server's greeting and relayed lines.
     *
     * @param terminal whether it goes to a terminal, where control characters are made harmless
     */
    public static MessageFormat text(boolean terminal) {
        return (message, out) -> {
            out.write(terminal ? harmless(message.text()) : message.text());
            out.write('\n');
        };
    }

    /**
     * {@code ip : text}, as the seeds' peer printed it; in cyan if {@code color}.
     *
     * @param terminal whether it goes to a terminal, where control characters are made harmless
     */
    public static MessageFormat peer(boolean color, boolean terminal) {
        return (message, out) -> {
            if (color) {
                out.write(CYAN);
            }
            out.write(message.ip());
            out.write(" : ");
            out.write(terminal ? harmless(message.text()) : message.text());
            if (color) {
                out.write(RESET);
            }
            out.write('\n');
        };
    }

    /**
     * {@code text} with control characters other than tab shown as U+FFFD: text from the network must
     * not move the cursor, change colours, or retitle the user's terminal.
     */
    static String harmless(String text) {
        StringBuilder safe = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\t' && (c < 0x20 || (c >= 0x7f && c < 0xa0))) {
                if (safe == null) {
                    safe = new StringBuilder(text);
                }
                safe.setCharAt(i, '\uFFFD');
            }
        }
        return safe == null ? text : safe.toString();
    }
}
