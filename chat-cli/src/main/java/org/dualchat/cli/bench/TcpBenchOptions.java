package org.dualchat.cli.bench;

import org.dualchat.netty.ChatServerConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What the TCP {@code bench} loads ({@code idle}, {@code tcp}, {@code relay}) share: one mixin for all three. */
final class TcpBenchOptions {

    /** The command this is mixed into: for its usage errors and its output. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Mixin
    BenchOptions options;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "" + ChatServerConfig.DEFAULT_TCP_PORT,
            description = "The server's TCP port (default: ${DEFAULT-VALUE}).")
    int port;
}
