package org.dualchat.netty.testing;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real programs the integration tests drive as a user would (nc, ncat, socat, telnet, tmux, openssl, ss,
 * Chromium): a test that needs one and cannot find it fails, saying what to install, rather than being
 * skipped, so that a machine without it cannot pass by testing less. {@code .ci/run} installs them all.
 * What a machine cannot offer at all (epoll, IPv6, a capability) is still a reason to skip: see the tests.
 */
public final class Tools {

    private Tools() {
    }

    /** Whether {@code tool} is an executable file in a directory on the PATH. */
    public static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Fails the test unless {@code tool} is on the PATH.
     *
     * @param debianPackage the package that has it, for the message
     */
    public static void require(String tool, String debianPackage) {
        if (!onPath(tool)) {
            fail(missing(tool, debianPackage));
        }
    }

    /** Fails the test unless {@code program} is an executable file. */
    public static void require(Path program, String debianPackage) {
        if (!Files.isExecutable(program)) {
            fail(missing(program.toString(), debianPackage));
        }
    }

    static String missing(String tool, String debianPackage) {
        return tool + " is needed by this test and is not installed: apt-get install " + debianPackage
                + " (bash .ci/run installs everything the tests use)";
    }
}
