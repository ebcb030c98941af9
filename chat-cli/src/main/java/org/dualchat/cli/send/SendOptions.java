package org.dualchat.cli.send;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What {@code send udp} and {@code send tcp} share: where to, and what. */
final class SendOptions {

    @Parameters(index = "0", paramLabel = "HOST",
            description = "The server: a name, an IPv4 address or an IPv6 address.")
    String host;

    @Option(names = {"-m", "--message"}, paramLabel = "TEXT",
            description = "Send TEXT as one message and exit, instead of reading stdin.")
    String message;
}
