package org.dualchat.cli.server;

import org.dualchat.netty.ChatServerConfig;
import org.dualchat.redis.RedisOptions;
import org.dualchat.redis.RedisRoom;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --redis}, {@code --room}, {@code --redis-maxlen}, {@code --print-room}: one room across many nodes. */
final class RedisServerOptions implements ServerOptionGroup {

    @Option(names = "--redis", paramLabel = "URI",
            description = "Join the room kept in this Redis, shared with every node given the same URI and room:"
                    + " redis://[password@]host:port[/db], rediss:// for TLS (default: this process alone).")
    String uri;

    @Option(names = "--room", paramLabel = "NAME", defaultValue = RedisOptions.DEFAULT_ROOM,
            description = "The room's name in Redis, so several rooms can share one Redis (default: ${DEFAULT-VALUE}).")
    String room;

    @Option(names = "--redis-maxlen", paramLabel = "N", defaultValue = "" + RedisOptions.DEFAULT_MAXLEN,
            description = "About how many messages the room's stream keeps for nodes that catch up after an outage"
                    + " (XADD MAXLEN ~; default: ${DEFAULT-VALUE}).")
    long maxlen;

    @Option(names = "--print-room",
            description = "Print what the other nodes received too, not only what this node received.")
    boolean printRoom;

    @Option(names = "--redis-own", paramLabel = "stream|local", defaultValue = "stream",
            description = "How this node's own messages reach its clients: through the stream, in the one order"
                    + " every node sees (default), or local: at once, saving a round trip to Redis.")
    String own;

    @Option(names = "--node", paramLabel = "NAME",
            description = "This node's name in the room (default: host name, process id and a random part).")
    String node;

    /** Checks the options and plugs the shared room into {@code config}; a bad value is a usage error. */
    @Override
    public void applyTo(ChatServerConfig.Builder config, OptionValues values, CommandSpec spec) {
        if (uri == null) {
            for (String option : new String[] {"--room", "--redis-maxlen", "--redis-own", "--node"}) {
                if (spec.commandLine().getParseResult() != null
                        && spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw new ParameterException(spec.commandLine(), option + " needs --redis");
                }
            }
            if (printRoom) {
                throw new ParameterException(spec.commandLine(), "--print-room needs --redis");
            }
            return;
        }
        RedisOptions.Builder options;
        try {
            options = RedisOptions.builder(uri);
        } catch (IllegalArgumentException e) {
            throw values.usage("--redis", e.getMessage(), e);
        }
        values.set("--room", room, () -> options.room(room));
        values.set("--redis-maxlen", maxlen, () -> options.maxlen(maxlen));
        if (node != null) {
            values.set("--node", node, () -> options.node(node));
        }
        if (!own.equals("stream") && !own.equals("local")) {
            throw values.usage("--redis-own", own + " (expected: stream or local)", null);
        }
        options.ownThroughStream(own.equals("stream")).printRoom(printRoom);
        config.roomFactory(RedisRoom.factory(options.build()));
    }
}
