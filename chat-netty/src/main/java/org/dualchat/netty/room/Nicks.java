package org.dualchat.netty.room;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.dualchat.core.ChatMessage;

/**
 * The names a client may take (a letter first, then letters, digits and {@code _ - . [ ] ^}), and the room's
 * nicks taken, each by one member whatever its case. Thread-safe.
 */
final class Nicks {

    static final int MAX_LENGTH = 24;

    private final Map<String, Member> taken = new ConcurrentHashMap<>();

    /** Gives {@code member} {@code nick}, freeing its old one; or why not. */
    String claim(Member member, String nick) {
        String problem = check(nick);
        if (problem != null) {
            return problem;
        }
        String key = nick.toLowerCase(Locale.ROOT);
        Member holder = taken.putIfAbsent(key, member);
        if (holder != null && holder != member) {
            return "the nick " + nick + " is taken";
        }
        String old = member.nick();
        if (old != null && !old.toLowerCase(Locale.ROOT).equals(key)) {
            taken.remove(old.toLowerCase(Locale.ROOT), member);
        }
        member.nick(nick);
        return null;
    }

    /** Frees the nick of {@code member}, which leaves. */
    void release(Member member) {
        String nick = member.nick();
        if (nick != null) {
            taken.remove(nick.toLowerCase(Locale.ROOT), member);
        }
    }

    Member holder(String nick) {
        return taken.get(nick.toLowerCase(Locale.ROOT));
    }

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
