package org.dualchat.netty.room;

import org.dualchat.core.ChatMessage;

/** The names a client may take: a letter first, then letters, digits and {@code _ - . [ ] ^}. */
final class Nicks {

    static final int MAX_LENGTH = 24;

    private Nicks() {}

    /** Why {@code nick} cannot be a nick, or {@code null} if it can. */
    static String check(String nick) {
        if (nick.isEmpty()) {
            return "a nick needs at least one character";
        }
        if (nick.length() > MAX_LENGTH) {
            return "a nick has at most " + MAX_LENGTH + " characters";
        }
        if (!isAsciiLetter(nick.charAt(0))) {
            return "a nick starts with a letter";
        }
        for (int i = 1; i < nick.length(); i++) {
            char c = nick.charAt(i);
            if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && "_-.[]^".indexOf(c) < 0) {
                return "a nick has only letters, digits and _ - . [ ] ^";
            }
        }
        if (nick.equalsIgnoreCase(ChatMessage.CONSOLE_IP)) {
            return "the nick " + nick + " is reserved";
        }
        return null;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
