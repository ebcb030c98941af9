package org.dualchat.netty.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.ChatServerConfig;
import org.dualchat.netty.testing.LineCollector;
import org.dualchat.netty.room.ChatCommands;
import org.dualchat.netty.testing.Tools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat page in a real browser: Debian's headless Chromium, driven by Selenium through Debian's
 * chromedriver, both named by path so that Selenium downloads nothing. Skipped, saying why, where they
 * are not installed ({@code apt-get install chromium chromium-driver}; {@code .ci/run} does).
 */
@Timeout(180)
class WebPageBrowserIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Selenium warns that it has no DevTools support for this Chromium's version; the test needs none. */
    private static final Logger CDP_LOGGER = Logger.getLogger("org.openqa.selenium.devtools");

    static {
        CDP_LOGGER.setLevel(Level.SEVERE);
    }

    private final LineCollector out = LineCollector.open();
    private ChatServer server;
    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void openBrowser(@TempDir Path profile) {
        Tools.require(CHROMIUM, "chromium");
        Tools.require(CHROMEDRIVER, "chromium-driver");
        // Both paths given: Selenium Manager, which would look for (and download) a driver, never runs.
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Headless, and nothing that reaches for the network: the machines this runs on have only loopback.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=960,600");
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, WAIT);
    }

    @AfterEach
    void closeAll() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    private ChatServer start(int httpPort) throws IOException {
        ChatServer started = new ChatServer(
                ChatServerConfig.builder().udpPort(0).tcpPort(0).httpPort(httpPort).build(),
                new PrintingSink(out, MessageFormat.PLAIN));
        started.start();
        return started;
    }

    @Test
    void aBrowserTalksWithTcpAndUdpSendersAndShowsEverythingAsText() throws Exception {
        server = start(0);
        try (WebSocketIT.Tcp tcp = new WebSocketIT.Tcp(server); DatagramSocket udp = new DatagramSocket()) {
            assertThat(tcp.readLine()).isEqualTo("Server connected");
            assertThat(tcp.readLine()).endsWith(ChatCommands.JOIN_LINE_END);
            browser.get("http://127.0.0.1:" + server.httpAddress().getPort() + "/");
            awaitStatus("connected");
            String joined = tcp.readLine();
            assertThat(joined).startsWith("* 127.0.0.1:").endsWith(" joined");
            String browserAddress = joined.substring(2, joined.length() - " joined".length());
            // Who is here: the page asked with /who on its own, and marks itself.
            awaitText(By.id("people-list"), "127.0.0.1:" + tcp.port());
            awaitText(By.id("people-list"), browserAddress + " (you)");

            type("/nick alice");
            assertThat(tcp.readLine()).isEqualTo("* " + browserAddress + " is now alice");
            awaitText(By.id("people-list"), "alice@" + browserAddress + " (you)");
            tcp.send("/nick bob");
            assertThat(tcp.readLine()).startsWith("* you are now bob@");
            awaitText(By.id("people-list"), "bob@127.0.0.1:" + tcp.port());

            type("hello from chromium");
            assertThat(tcp.readLine()).isEqualTo("alice@127.0.0.1 : hello from chromium");
            WebElement own = lastMessage();
            assertThat(own.getAttribute("class")).contains("own");
            assertThat(own.findElement(By.className("sender")).getText())
                    .as("shown as the others see it").isEqualTo("alice@127.0.0.1");

            byte[] datagram = "a datagram from nc -u".getBytes(UTF_8);
            udp.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(),
                    server.udpAddress().getPort()));
            awaitMessage("127.0.0.1", "a datagram from nc -u");
            assertThat(tcp.readLine()).isEqualTo("127.0.0.1 : a datagram from nc -u");

            String injection = "<img src=x onerror=alert(1)> & <script>alert(2)</script> &amp;";
            tcp.send(injection);
            WebElement shown = awaitMessage("bob@127.0.0.1", injection);
            assertThat(shown.findElement(By.className("text")).getText()).as("literally, escaped once only")
                    .isEqualTo(injection);
            assertThat(browser.findElements(By.cssSelector("#log img, #log script"))).isEmpty();
            assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);

            tcp.send("welcome, alice: this room has nc, a UDP sender and you");
            awaitMessage("bob@127.0.0.1", "welcome, alice: this room has nc, a UDP sender and you");
            type("/me waves");
            assertThat(tcp.readLine()).isEqualTo("* alice@127.0.0.1 waves");
            assertThat(out.awaitCount(5, WAIT)).contains("alice@127.0.0.1 : hello from chromium",
                    "127.0.0.1 : a datagram from nc -u", "bob@127.0.0.1 : " + injection);

            // The README's picture: the page in use, as this browser shows it.
            Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, Path.of("target", "browser.png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void thePageReconnectsByItselfAfterTheServerRestarts() throws Exception {
        server = start(0);
        int port = server.httpAddress().getPort();
        browser.get("http://127.0.0.1:" + port + "/");
        awaitStatus("connected");
        server.close();
        awaitStatus("disconnected: reconnecting in");
        awaitText(By.id("log"), "connection lost: reconnecting");
        server = start(port);
        awaitStatus("connected");
        awaitText(By.id("log"), "reconnected");
        try (WebSocketIT.Tcp tcp = new WebSocketIT.Tcp(server)) {
            assertThat(tcp.readLine()).isEqualTo("Server connected");
            assertThat(tcp.readLine()).endsWith(ChatCommands.JOIN_LINE_END);
            type("back again");
            assertThat(tcp.readLine()).isEqualTo("127.0.0.1 : back again");
        }
    }

    private void type(String text) {
        WebElement input = browser.findElement(By.id("text"));
        input.sendKeys(text, Keys.ENTER);
        wait.until(d -> input.getAttribute("value").isEmpty());
    }

    private void awaitStatus(String start) {
        wait.until(d -> d.findElement(By.id("status")).getText().startsWith(start));
    }

    private void awaitText(By where, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(where, text));
    }

    private WebElement lastMessage() {
        List<WebElement> messages = browser.findElements(By.cssSelector("#log li.msg"));
        assertThat(messages).isNotEmpty();
        return messages.get(messages.size() - 1);
    }

    /** Waits for a message from {@code sender} whose text is exactly {@code text}; returns it. */
    private WebElement awaitMessage(String sender, String text) {
        return wait.until(d -> {
            for (WebElement message : d.findElements(By.cssSelector("#log li.msg"))) {
                if (message.findElement(By.className("sender")).getText().equals(sender)
                        && message.findElement(By.className("text")).getText().equals(text)) {
                    return message;
                }
            }
            return null;
        });
    }
}
