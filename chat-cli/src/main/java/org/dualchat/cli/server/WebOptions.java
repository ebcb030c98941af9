package org.dualchat.cli.server;

import java.util.ArrayList;
import java.util.List;
import org.dualchat.netty.ChatServerConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --http-port}, {@code --http-bind} and {@code --http-allow-origin}: the chat page for browsers. */
final class WebOptions implements ServerOptionGroup {

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Serve a chat page on http://ADDRESS:PORT/ and its WebSocket on /ws, in the same room;"
                    + " HTTPS and WSS with the --tls options; 0 picks a free port (default: no chat page).")
    Integer httpPort;

    @Option(names = "--http-bind", paramLabel = "ADDRESS",
            description = "The address of the chat page (default: the --bind address, or all interfaces).")
    String httpBind;

    @Option(names = "--http-allow-origin", paramLabel = "ORIGIN",
            description = "Let pages from ORIGIN (https://chat.example.org, or * for any) open the WebSocket,"
                    + " besides the chat page itself; repeatable.")
    List<String> allowOrigins = new ArrayList<>();

    /** Checks the options and puts them in {@code config}; a bad value is a usage error. */
    @Override
    public void applyTo(ChatServerConfig.Builder config, OptionValues values, CommandSpec spec) {
        if (httpPort == null) {
            if (httpBind != null || !allowOrigins.isEmpty()) {
                throw new ParameterException(spec.commandLine(),
                        (httpBind != null ? "--http-bind" : "--http-allow-origin") + " needs --http-port");
            }
            return;
        }
        values.set("--http-port", httpPort, () -> config.httpPort(httpPort));
        if (httpBind != null) {
            config.httpBind(values.address("--http-bind", httpBind));
        }
        for (String origin : allowOrigins) {
            values.set("--http-allow-origin", origin, () -> config.httpAllowOrigin(origin));
        }
    }
}
