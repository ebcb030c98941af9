package org.dualchat.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PeerChatTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    @Timeout(20)
    void chatsBothWaysUntilThePeerSaysBye() throws Exception {
        CollectingSink shown = new CollectingSink();
        try (DatagramSocket other = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            other.setSoTimeout(10_000);
            try (PeerChat chat = PeerChat.open(0, "127.0.0.1", other.getLocalPort(), shown)) {
                int mine = chat.localAddress().getPort();
                chat.send("hello");
                DatagramPacket packet = new DatagramPacket(new byte[100], 100);
                other.receive(packet);
                assertThat(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8))
                        .isEqualTo("hello");
                assertThat(packet.getPort()).as("sent from the port it listens on").isEqualTo(mine);

                send(other, "hi there", mine);
                assertThat(shown.take(WAIT)).isEqualTo(
                        new ChatMessage(Protocol.UDP, "127.0.0.1", other.getLocalPort(), "hi there"));
                assertThat(chat.ended()).isNotDone();

                send(other, "Bye", mine);
                chat.ended().get(10, TimeUnit.SECONDS);
                assertThat(shown.take(WAIT)).extracting(ChatMessage::text).isEqualTo("Bye");
            }
        }
    }

    @Test
    @Timeout(20)
    void endsOnceItsOwnByeHasLeft() throws Exception {
        try (DatagramSocket other = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            other.setSoTimeout(10_000);
            try (PeerChat chat = PeerChat.open(0, "127.0.0.1", other.getLocalPort(), new CollectingSink())) {
                chat.send("Bye");
                chat.ended().get(10, TimeUnit.SECONDS);
                assertThat(UdpSenderTest.receive(other)).isEqualTo("Bye");
            }
        }
    }

    @Test
    @Timeout(20)
    void saysWhenItsPortIsTaken() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(0))) {
            assertThatThrownBy(() -> PeerChat.open(taken.getLocalPort(), "127.0.0.1", 1084, new CollectingSink()))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("cannot listen on UDP port " + taken.getLocalPort() + ": ")
                    .hasMessageContaining("in use");
        }
    }

    private static void send(DatagramSocket from, String text, int port) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        from.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName("127.0.0.1"), port));
    }
}
