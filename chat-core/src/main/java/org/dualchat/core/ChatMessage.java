package org.dualchat.core;

import static java.util.Objects.requireNonNull;

/**
 * One line of text received from a sender.
 *
 * <p>{@code ip} is already in its printable form ({@code 127.0.0.1}, {@code ::1}); an IPv4 sender seen
 * through a dual-stack socket is given as IPv4, never as {@code ::ffff:127.0.0.1}.
 *
 * <pre>{@code
 * ChatMessage message = new ChatMessage(Protocol.UDP, "127.0.0.1", 40312, "hello");
 * }</pre>
 *
 * @param protocol the transport it came over
 * @param ip the sender's address, printable
 * @param port the sender's port
 * @param text the decoded text, without its line terminator
 */
public record ChatMessage(Protocol protocol, String ip, int port, String text) {

    public ChatMessage {
        requireNonNull(protocol, "protocol");
        requireNonNull(ip, "ip");
        requireNonNull(text, "text");
    }
}
