package org.dualchat.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class UdpSenderTest {

    @Test
    @Timeout(20)
    void sendsEachLineAsOneDatagramAndRefusesOneTooLong() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            receiver.setSoTimeout(10_000);
            try (UdpSender sender = UdpSender.open("127.0.0.1", receiver.getLocalPort())) {
                sender.send("first");
                String tooLong = "é".repeat(UdpSender.MAX_PAYLOAD / 2 + 1);
                assertThatThrownBy(() -> sender.send(tooLong))
                        .isInstanceOf(LineTooLongException.class)
                        .hasMessage("65508 bytes, more than one datagram holds (65507)");
                sender.send("x".repeat(UdpSender.MAX_PAYLOAD));
                sender.send("last");
            }
            assertThat(receive(receiver)).isEqualTo("first");
            assertThat(receive(receiver)).hasSize(UdpSender.MAX_PAYLOAD);
            assertThat(receive(receiver)).isEqualTo("last");
        }
    }

    @Test
    @Timeout(20)
    void sendsToAnIpv6Literal() throws Exception {
        DatagramSocket receiver;
        try {
            receiver = new DatagramSocket(0, InetAddress.getByName("::1"));
        } catch (java.net.SocketException e) {
            org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + e.getMessage());
            return;
        }
        try {
            receiver.setSoTimeout(10_000);
            try (UdpSender sender = UdpSender.open("::1", receiver.getLocalPort())) {
                sender.send("over IPv6");
            }
            assertThat(receive(receiver)).isEqualTo("over IPv6");
        } finally {
            receiver.close();
        }
    }

    static String receive(DatagramSocket socket) throws java.io.IOException {
        DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
        socket.receive(packet);
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }
}
