package org.dualchat.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.dualchat.netty.testing.JarProcesses.jar;
import static org.dualchat.netty.testing.JarProcesses.java;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher in front of the jar: {@code ./dualchat.jar} is an executable file that starts the JVM with the
 * server's footprint options, {@code bench} with the JVM's defaults, {@code JAVA_OPTS} after them (so it wins),
 * and the java of {@code JAVA_HOME}; {@code java -jar} reads the same file as a jar.
 */
@Timeout(60)
class LauncherIT {

    static final List<String> FOOTPRINT = List.of("-XX:+UseSerialGC", "-Xmx80m", "-XX:TrimNativeHeapInterval=2000",
            "-XX:CompileCommand=quiet", "-XX:CompileCommand=exclude,jdk.internal.org.objectweb.asm.Frame::execute",
            "-XX:CompileCommand=exclude,sun.nio.ch.DatagramChannelImpl::write",
            "-XX:CompileCommand=dontinline,io.netty.channel.AbstractChannel$AbstractUnsafe::close",
            "-XX:CompileCommand=dontinline,io.netty.channel.epoll.EpollServerSocketChannel::newChildChannel", "-Xshare:off");

    @TempDir
    Path home;

    /** Runs the jar as a program with {@code JAVA_HOME} set to a java that prints its arguments, one a line. */
    private List<String> launch(Map<String, String> env, String... args) throws Exception {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path fake = bin.resolve("java");
        Files.writeString(fake, "#!/bin/sh\nprintf '%s' \"${MALLOC_ARENA_MAX-unset}\" >" + home.resolve("arenas")
                + "\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n", UTF_8);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> command = new java.util.ArrayList<>(List.of(jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JAVA_OPTS");
        builder.environment().remove("MALLOC_ARENA_MAX");
        builder.environment().put("JAVA_HOME", home.toString());
        builder.environment().putAll(env);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    @Test
    void theServerStartsWithTheFootprintOptionsThenTheJarAndItsArguments() throws Exception {
        List<String> args = launch(Map.of());
        assertThat(args).containsAll(FOOTPRINT);
        assertThat(args.subList(args.size() - 2, args.size())).containsExactly("-jar", jar().toString());

        List<String> server = launch(Map.of(), "server", "-t", "0", "--greeting", "two words");
        assertThat(server).containsAll(FOOTPRINT);
        assertThat(server.subList(server.indexOf("-jar"), server.size()))
                .containsExactly("-jar", jar().toString(), "server", "-t", "0", "--greeting", "two words");
    }

    @Test
    void theJitsQuietOptionComesBeforeItsExclusionSoThatNothingReachesStdout() throws Exception {
        List<String> args = launch(Map.of(), "server");
        assertThat(args.indexOf("-XX:CompileCommand=quiet"))
                .isLessThan(args.indexOf("-XX:CompileCommand=exclude,jdk.internal.org.objectweb.asm.Frame::execute"));
    }

    @Test
    void theServerRunsWithTwoMallocArenasUnlessTheUserSaysOtherwise() throws Exception {
        launch(Map.of(), "server");
        assertThat(Files.readString(home.resolve("arenas"))).isEqualTo("2");
        launch(Map.of("MALLOC_ARENA_MAX", "8"), "server");
        assertThat(Files.readString(home.resolve("arenas"))).isEqualTo("8");
        launch(Map.of(), "bench", "tcp", "127.0.0.1");
        assertThat(Files.readString(home.resolve("arenas"))).isEqualTo("unset");
    }

    @Test
    void javaOptsComeAfterTheFootprintOptionsSoTheyWin() throws Exception {
        List<String> args = launch(Map.of("JAVA_OPTS", "-Xmx512m -Dx=1"), "server");
        assertThat(args.indexOf("-Xmx512m")).isGreaterThan(args.indexOf("-Xmx80m")).isLessThan(args.indexOf("-jar"));
        assertThat(args).contains("-Dx=1");
    }

    @Test
    void theLoadGeneratorRunsWithTheJvmsDefaults() throws Exception {
        List<String> args = launch(Map.of(), "bench", "tcp", "127.0.0.1");
        assertThat(args).doesNotContainAnyElementsOf(FOOTPRINT);
        assertThat(args).containsExactly("-jar", jar().toString(), "bench", "tcp", "127.0.0.1");
    }

    @Test
    void theRealJavaRunsTheFileAsAJarBothWays() throws Exception {
        for (List<String> command : List.of(List.of(jar().toString(), "--version"),
                List.of(java(), "-jar", jar().toString(), "--version"))) {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(out).as(command.toString()).startsWith("dualchat ");
            assertThat(p.exitValue()).isZero();
        }
    }
}
