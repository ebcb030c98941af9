package org.dualchat.core;

import static java.util.Objects.requireNonNull;

import java.util.Objects;

/**
 * One line of text received from a sender.
 *
 * <p>{@code ip} is already in its printable form ({@code 127.0.0.1}, {@code ::1}); an IPv4 sender seen
 * through a dual-stack socket is given as IPv4, never as {@code ::ffff:127.0.0.1}. A line typed on the
 * server's console has the ip {@value #CONSOLE_IP}.
 *
 * <pre>{@code
 * ChatMessage message = new ChatMessage(Protocol.UDP, "127.0.0.1", 40312, "hello");
 * ChatMessage named = new ChatMessage(Protocol.TCP, "::1", 40313, "alice", "hi");
 * named.sender(); // "alice@::1"
 * }</pre>
 *
 * @param protocol where it came from
 * @param ip the sender's address, printable
 * @param port the sender's port; 0 for the console
 * @param nick the name the sender chose, or {@code null} if it has none
 * @param text the decoded text, without its line terminator; not yet made safe for a terminal
 * @param receivedAt when the server received it, in milliseconds since the epoch: the constructors
 *     without it take the current time, and they run on the event loop as the message is decoded, so
 *     the time is the time of receipt, not the time of printing. It is not part of equality: two
 *     messages are equal when the same sender said the same thing.
 * @param action whether it is an action ({@code /me waves}): {@code text} is what the sender does, shown as
 *     {@code * SENDER TEXT} rather than {@code SENDER : TEXT}
 */
public record ChatMessage(
        Protocol protocol, String ip, int port, String nick, String text, long receivedAt, boolean action) {

    /** The ip shown for lines typed on the server's console. */
    public static final String CONSOLE_IP = "server";

    public ChatMessage {
        requireNonNull(protocol, "protocol");
        requireNonNull(ip, "ip");
        requireNonNull(text, "text");
    }

    /** A message, not an action. */
    public ChatMessage(Protocol protocol, String ip, int port, String nick, String text, long receivedAt) {
        this(protocol, ip, port, nick, text, receivedAt, false);
    }

    /** A message received now. */
    public ChatMessage(Protocol protocol, String ip, int port, String nick, String text) {
        this(protocol, ip, port, nick, text, System.currentTimeMillis());
    }

    /** A message from a sender without a nick. */
    public ChatMessage(Protocol protocol, String ip, int port, String text) {
        this(protocol, ip, port, null, text);
    }

    /** A line typed on the server's console. */
    public static ChatMessage fromConsole(String text) {
        return new ChatMessage(Protocol.CONSOLE, CONSOLE_IP, 0, null, text);
    }

    /** The same, as an action ({@code /me}). */
    public ChatMessage asAction() {
        return new ChatMessage(protocol, ip, port, nick, text, receivedAt, true);
    }

    /** Equal when protocol, ip, port, nick, text and being an action are: the time of receipt is left out. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ChatMessage other
                && protocol == other.protocol
                && port == other.port
                && ip.equals(other.ip)
                && Objects.equals(nick, other.nick)
                && text.equals(other.text)
                && action == other.action;
    }

    @Override
    public int hashCode() {
        return Objects.hash(protocol, ip, port, nick, text, action);
    }

    /**
     * Who sent it, as shown in front of the text: the ip, or {@code nick@ip} once the sender has a nick,
     * so that a line still reads {@code ip : text} at heart ({@code alice@127.0.0.1 : hi}).
     */
    public String sender() {
        return nick == null ? ip : nick + "@" + ip;
    }
}
