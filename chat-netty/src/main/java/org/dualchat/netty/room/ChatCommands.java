package org.dualchat.netty.room;

import java.util.List;
import java.util.Locale;
import org.dualchat.core.ChatMessage;

/**
 * The commands a TCP client can type in the room. A command is a slash, a word of letters, and then a
 * space or the end of the line: {@code /nick alice}, {@code /who}. Anything else that starts with a
 * slash ({@code /var/log/syslog}, {@code / }, {@code /42}) is ordinary text, and {@code //} at the start
 * sends the rest, slash and all, as text.
 */
public final class ChatCommands {

    /** Caps the reply to {@code /who}: a room of thousands must not flood the asker. */
    public static final int MAX_WHO_LINES = 100;

    public static final List<String> HELP = List.of(
            "* commands:",
            "*   /nick NAME     take a name: others see NAME@ip (letters, digits, _ - . [ ] ^; up to "
                    + Nicks.MAX_LENGTH + ")",
            "*   /who           list who is here",
            "*   /msg NICK TEXT send TEXT to NICK alone (not printed by the server)",
            "*   /me ACTION     say what you do: everyone, you too, sees * NAME ACTION",
            "*   /quit [REASON] leave",
            "*   /help          this list",
            "* a line starting with // is sent as text, without its first slash");

    /** How the line a joiner gets after the greeting ends. */
    public static final String JOIN_LINE_END = "; /help lists the commands";

    /** Names a joiner is told of, at most; the rest are a count. */
    public static final int MAX_JOIN_NAMES = 5;

    private ChatCommands() {}

    /**
     * The one line a client gets after the greeting: who else is here (the first few, sorted, and a
     * count) and that {@code /help} exists. {@code labels} are everyone's, {@code me} among them.
     */
    public static String joinLine(List<String> labels, String me) {
        StringBuilder line = new StringBuilder("* ");
        int others = labels.size() - (labels.contains(me) ? 1 : 0);
        if (others == 0) {
            line.append("you are the only one here");
        } else {
            line.append(others).append(others == 1 ? " other here: " : " others here: ");
            int shown = 0;
            for (String label : labels) {
                if (label.equals(me)) {
                    continue;
                }
                if (shown == MAX_JOIN_NAMES) {
                    line.append(" and ").append(others - shown).append(" more");
                    break;
                }
                line.append(shown == 0 ? "" : ", ").append(label);
                shown++;
            }
        }
        return line.append(JOIN_LINE_END).toString();
    }

    /** The joiner's line in a large room: how many others are here, without naming them. */
    public static String crowdLine(int others) {
        return "* " + others + " others here (/who lists them)" + JOIN_LINE_END;
    }

    /** Why {@code nick} cannot be a nick (in a few words for the client), or {@code null} if it can. */
    public static String checkNick(String nick) {
        return Nicks.check(nick);
    }

    /** Whether {@code line} is a command rather than text. */
    public static boolean isCommand(String line) {
        if (line.length() < 2 || line.charAt(0) != '/') {
            return false;
        }
        int end = nameEnd(line);
        return end > 1 && (end == line.length() || line.charAt(end) == ' ');
    }

    /** The command's name, lower case, without the slash. */
    public static String name(String line) {
        return line.substring(1, nameEnd(line)).toLowerCase(Locale.ROOT);
    }

    /** What follows the command's name, trimmed; empty if nothing. */
    public static String argument(String line) {
        return line.substring(nameEnd(line)).trim();
    }

    /** An action's line ({@code /me}), {@code * alice@127.0.0.1 waves}: the sender's name starts it, as on IRC. */
    static String actionLine(ChatMessage message) {
        return "* " + message.sender() + " " + message.text();
    }

    /** The text a line stands for: a leading {@code //} loses one slash. */
    public static String text(String line) {
        return line.startsWith("//") ? line.substring(1) : line;
    }

    private static int nameEnd(String line) {
        int i = 1;
        while (i < line.length() && isAsciiLetter(line.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
