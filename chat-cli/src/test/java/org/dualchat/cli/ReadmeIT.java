package org.dualchat.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dualchat.netty.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's first screen works as written: each command of its {@code sh} blocks is run from the
 * repository root, the server by its own command, the examples against it, and what each example says the
 * server prints ({@code # server prints: ...}) is on the server's stdout. The build command is the one that
 * made the jar this test runs, so it is checked for what it promises rather than run inside the build.
 */
@Timeout(120)
class ReadmeIT {

    private static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();
    private static final String PRINTS = "# server prints: ";

    /** The {@code sh} blocks before the README's "## More", one list of command lines each. */
    static List<List<String>> firstScreenBlocks(String readme) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> block = null;
        for (String line : readme.split("\n")) {
            if (line.startsWith("## More")) {
                break;
            }
            if (block == null && line.equals("```sh")) {
                block = new ArrayList<>();
            } else if (block != null && line.equals("```")) {
                blocks.add(block);
                block = null;
            } else if (block != null && !line.isBlank()) {
                block.add(line);
            }
        }
        return blocks;
    }

    /** The command alone: the trailing {@code  # comment} cut off (a '#' inside quotes is not one here). */
    static String command(String line) {
        int comment = line.indexOf("  #");
        return (comment < 0 ? line : line.substring(0, comment)).strip();
    }

    @Test
    void theFirstScreenRunsFromTheRepositoryRootAsWritten() throws Exception {
        List<List<String>> blocks = firstScreenBlocks(Files.readString(ROOT.resolve("README.md"), UTF_8));
        assertThat(blocks).as("the two commands, then the five examples").hasSize(2);
        assertThat(blocks.get(0)).hasSize(2);
        assertThat(blocks.get(1)).hasSize(5);
        Tools.require("nc", "netcat-openbsd");
        Tools.require("python3", "python3");
        assumeTrue(free(1234, 2222), "the default ports are taken on this machine");

        // The first command builds, then runs: the build is this one's, so only the run is run here.
        String[] buildAndRun = command(blocks.get(0).get(0)).split(" && ");
        assertThat(buildAndRun).hasSize(2);
        assertThat(buildAndRun[0]).startsWith("mvn ").contains("package");
        assertThat(buildAndRun[1]).contains("chat-cli/target/dualchat.jar");
        assertThat(ROOT.resolve("chat-cli/target/dualchat.jar")).as("what the build command makes").exists();
        // The second runs all the tests, as CI does: the same command as .ci/run's.
        String tests = command(blocks.get(0).get(1));
        assertThat(tests).startsWith("mvn ").contains("verify");
        assertThat(Files.readString(ROOT.resolve(".ci/run"), UTF_8).lines().map(String::strip))
                .as(".ci/run runs the README's test command").contains(tests);

        Path out = Files.createTempFile("readme-server", ".out");
        Path err = Files.createTempFile("readme-server", ".err");
        Process server = new ProcessBuilder("bash", "-c", "exec " + buildAndRun[1])
                .directory(ROOT.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(err).contains("Listening on") && System.nanoTime() < deadline) {
                assertThat(server.isAlive()).as("server: %s", Files.readString(err)).isTrue();
                Thread.sleep(50);
            }
            // The README's command is the launcher: the JVM it started runs with the footprint options.
            assertThat(ProcessHandle.of(server.pid()).flatMap(h -> h.info().arguments()).map(List::of))
                    .as("the server's JVM arguments").hasValueSatisfying(
                            arguments -> assertThat(arguments).containsAll(LauncherIT.FOOTPRINT));
            List<String> expected = new ArrayList<>();
            for (String example : blocks.get(1)) {
                assertThat(example).as("each example says what the server prints").contains(PRINTS);
                expected.add(example.substring(example.indexOf(PRINTS) + PRINTS.length()).strip());
                Process p = new ProcessBuilder("bash", "-c", command(example))
                        .directory(ROOT.toFile())
                        .redirectErrorStream(true)
                        .start();
                String said = new String(p.getInputStream().readAllBytes(), UTF_8);
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(example).isTrue();
                assertThat(p.exitValue()).as("%s%n%s", example, said).isZero();
            }
            long printed = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.readString(out, UTF_8).lines().toList().containsAll(expected)
                    && System.nanoTime() < printed) {
                Thread.sleep(50);
            }
            assertThat(Files.readString(out, UTF_8).lines()).containsAll(expected);
        } finally {
            server.destroy(); // SIGTERM: the README's other way to stop it
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
        assertThat(server.exitValue()).as("stopped in order").isZero();
    }

    private static boolean free(int udpPort, int tcpPort) {
        try (DatagramSocket udp = new DatagramSocket(udpPort); ServerSocket tcp = new ServerSocket(tcpPort)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
