package org.dualchat.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Checks port options, as usage errors. */
public final class Ports {

    private Ports() {}

    /** @param min 0 where "any free port" makes sense (a port to listen on), 1 for a port to send to */
    public static void check(CommandSpec spec, String option, int port, int min) {
        if (port < min || port > 65535) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': "
                    + port + " (expected: " + min + "-65535)");
        }
    }
}
