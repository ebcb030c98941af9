package org.dualchat.cli.console;

/**
 * One line of input, numbered from 1.
 *
 * @param number the line's number, for error messages
 * @param text the line without its terminator, or {@code null} if it was longer than the reader takes
 * @param length the line's length in UTF-8 bytes
 */
public record InputLine(long number, String text, long length) {

    public boolean tooLong() {
        return text == null;
    }
}
