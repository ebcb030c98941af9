package org.dualchat.cli.server;

import org.dualchat.netty.ChatServerConfig;
import picocli.CommandLine.Model.CommandSpec;

/** A group of the server command's options (a picocli mixin) that puts its values into the server's config. */
interface ServerOptionGroup {

    /** Checks the group's options and puts them in {@code config}; a bad value is a usage error. */
    void applyTo(ChatServerConfig.Builder config, OptionValues values, CommandSpec spec);
}
