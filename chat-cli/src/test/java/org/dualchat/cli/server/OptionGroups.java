package org.dualchat.cli.server;

import org.dualchat.netty.ChatServerConfig;
import picocli.CommandLine;

/** Test support: one option group parsed on its own and applied to a fresh config, without starting anything. */
final class OptionGroups {

    private OptionGroups() {
    }

    /** {@code args} parsed into {@code group} and put into a config, as the server command does. */
    static ChatServerConfig config(ServerOptionGroup group, String... args) {
        CommandLine command = new CommandLine(group);
        command.parseArgs(args);
        ChatServerConfig.Builder builder = ChatServerConfig.builder();
        group.applyTo(builder, new OptionValues(command.getCommandSpec()), command.getCommandSpec());
        return builder.build();
    }
}
