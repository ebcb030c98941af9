package org.dualchat.cli;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of docs/ARCHITECTURE.md, checked with ArchUnit on the main classes of every module
 * (chat-cli has them all on its class path). A failing rule names the class and the dependency that break it.
 */
class ArchitectureTest {

    private static final String[] SERVER_ONLY = {
        "org.dualchat.netty", // the server, its config, initializers and handlers
        "org.dualchat.netty.room..",
        "org.dualchat.netty.limit..",
        "org.dualchat.netty.tls..", // the server's TLS; the clients' is client.ClientTls
        "org.dualchat.netty.stats..",
        "org.dualchat.netty.metrics.."
    };

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // chat-netty's test support, exported as its test-jar
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("org.dualchat");
    }

    @Test
    void everyModuleIsImported() {
        // Else every rule below would hold on nothing.
        assertThat(classes.contain("org.dualchat.core.PrintingSink")).isTrue();
        assertThat(classes.contain("org.dualchat.netty.ChatServer")).isTrue();
        assertThat(classes.contain("org.dualchat.loadgen.UdpLoad")).isTrue();
        assertThat(classes.contain("org.dualchat.cli.DualchatCli")).isTrue();
        assertThat(classes.contain("org.dualchat.redis.RedisRoom")).isTrue();
        assertThat(classes.contain("org.dualchat.netty.testing.ServerExtension")).as("test support").isFalse();
        assertThat(classes.contain("org.dualchat.redis.testing.RedisServer")).as("test support").isFalse();
    }

    @Test
    void coreIsPlainJava() {
        noClasses().that().resideInAPackage("org.dualchat.core..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "org.dualchat.netty..",
                        "org.dualchat.loadgen..", "org.dualchat.cli..")
                .because("chat-core is the model, the sink and the formats, in plain Java")
                .check(classes);
    }

    @Test
    void nothingDependsOnTheCommandLine() {
        noClasses().that().resideOutsideOfPackage("org.dualchat.cli..")
                .should().dependOnClassesThat().resideInAPackage("org.dualchat.cli..")
                .because("only the command line reads arguments and the environment; the rest is a library to it")
                .check(classes);
    }

    @Test
    void onlyTheSharedRoomAndTheCommandLineKnowRedis() {
        noClasses().that().resideOutsideOfPackages("org.dualchat.redis..", "org.dualchat.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("org.dualchat.redis..", "io.lettuce..")
                .because("a single-process server never loads Lettuce: chat-netty sees the shared room only as a"
                        + " ChatRoom made by a RoomFactory")
                .check(classes);
    }

    @Test
    void theSharedRoomSeesTheServerOnlyThroughTheRoom() {
        noClasses().that().resideInAPackage("org.dualchat.redis..")
                .should().dependOnClassesThat().resideInAnyPackage("org.dualchat.netty", "org.dualchat.netty.limit..",
                        "org.dualchat.netty.tls..", "org.dualchat.netty.web..", "org.dualchat.netty.metrics..",
                        "org.dualchat.netty.shutdown..", "org.dualchat.netty.client..", "org.dualchat.loadgen..")
                .because("the room in Redis wraps the LocalRoom behind room.ChatRoom; ChatServer plugs it in,"
                        + " never the other way round")
                .check(classes);
    }

    @Test
    void clientsDoNotReachIntoTheServer() {
        noClasses().that().resideInAPackage("org.dualchat.netty.client..")
                .should().dependOnClassesThat().resideInAnyPackage(SERVER_ONLY)
                .because("what clients and server share lives in codec and common")
                .check(classes);
    }

    @Test
    void loadGeneratorsAreClientsToo() {
        noClasses().that().resideInAPackage("org.dualchat.loadgen..")
                .should().dependOnClassesThat().resideInAnyPackage(SERVER_ONLY)
                .because("the load generators measure a server from outside, as any sender would")
                .check(classes);
    }

    /**
     * No cycles between packages, but for one known one, let through only by the dependency that
     * closes it:
     * <ul>
     *   <li>{@code cli.DualchatCli} names its subcommands (picocli's {@code subcommands = {...}}) while they
     *       use its exit codes, {@code CommandFailure}, {@code Ports} and {@code LoggingOptions}: goes away
     *       once those move to a package of their own below {@code cli}.
     * </ul>
     */
    @Test
    void noCyclesBetweenPackages() {
        slices().matching("org.dualchat.(**)")
                .should().beFreeOfCycles()
                .ignoreDependency(named("org.dualchat.cli.DualchatCli"), below("org.dualchat.cli"))
                .check(classes);
    }

    /** The class {@code name}, or one nested in it. */
    private static DescribedPredicate<JavaClass> named(String name) {
        return describe(name, c -> c.getName().equals(name) || c.getName().startsWith(name + "$"));
    }

    private static DescribedPredicate<JavaClass> below(String packageName) {
        return describe("classes below " + packageName, c -> c.getPackageName().startsWith(packageName + "."));
    }
}
