package org.dualchat.core;

/**
 * Makes received text safe to show on a terminal: characters that could move the cursor, recolour,
 * clear or retitle the screen, ring the bell, or reorder what the operator reads are replaced by a
 * visible escape. Everything else, accents, CJK and emoji included, is left as it is.
 *
 * <ul>
 *   <li>C0 controls except TAB, and DEL: {@code \x1b}, {@code \x07}, {@code \x0d}, {@code \x7f};</li>
 *   <li>C1 controls (U+0080 to U+009F), which some terminals obey as ESC sequences: {@code \u009b};</li>
 *   <li>bidirectional formatting (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069) and the
 *       line and paragraph separators U+2028 and U+2029: {@code \u202e}.</li>
 * </ul>
 *
 * <p>A backslash is not itself escaped, so ordinary text such as {@code C:\temp} stays readable; a
 * sender can type a literal {@code \x1b}, which is harmless.
 *
 * <pre>{@code
 * TextSafety.escape("\u001b[2Jgotcha"); // "\\x1b[2Jgotcha"
 * }</pre>
 */
public final class TextSafety {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private TextSafety() {
    }

    /** {@code text} with every unsafe character escaped; {@code text} itself when it has none. */
    public static String escape(String text) {
        int first = firstUnsafe(text);
        if (first < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        out.append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isUnsafe(c)) {
                out.append(c);
            } else if (c < 0x80) {
                out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf])
                        .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    /** Whether {@link #escape} would change {@code text}. */
    public static boolean isSafe(String text) {
        return firstUnsafe(text) < 0;
    }

    private static int firstUnsafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (isUnsafe(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@link #escape} replaces {@code c}. */
    public static boolean isUnsafe(char c) {
        if (c < 0x20) {
            return c != '\t';
        }
        if (c < 0x7f) {
            return false;
        }
        if (c <= 0x9f) {
            return true; // DEL and the C1 controls
        }
        if (c < 0x061c) {
            return false;
        }
        return c == 0x061c || c == 0x200e || c == 0x200f
                || (c >= 0x2028 && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069);
    }
}
