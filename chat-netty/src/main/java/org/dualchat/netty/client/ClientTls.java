package org.dualchat.netty.client;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.FingerprintTrustManagerFactory;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * How a {@link TcpSender} checks the server's TLS certificate, on the JDK's own TLS implementation.
 *
 * <pre>{@code
 * TcpSender.connect("chat.example.org", 2222, sink, ClientTls.verifying());  // trust store and host name
 * TcpSender.connect("127.0.0.1", 2223, sink, ClientTls.pinned("3A:F0:...")); // that certificate only
 * TcpSender.connect("127.0.0.1", 2223, sink, ClientTls.insecure());          // any certificate
 * }</pre>
 */
public final class ClientTls {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final int SHA256_HEX_DIGITS = 64;

    private final SslContext context;

    private ClientTls(SslContext context) {
        this.context = context;
    }

    /**
     * Trusts what the JDK's trust store trusts (the public certificate authorities, unless the JDK was
     * configured otherwise), and checks that the certificate is for the host name or address connected to.
     */
    public static ClientTls verifying() throws SSLException {
        return new ClientTls(builder().endpointIdentificationAlgorithm("HTTPS").build());
    }

    /**
     * Trusts exactly the certificate whose SHA-256 fingerprint is {@code sha256}, whatever its issuer and
     * names, as ssh trusts a known host key: the fingerprint is the server's identity.
     *
     * @param sha256 64 hex digits, in either case, optionally separated by colons, as the server logs it
     *     and {@code openssl x509 -fingerprint -sha256} prints it
     * @throws IllegalArgumentException if {@code sha256} is not 32 bytes of hex
     */
    public static ClientTls pinned(String sha256) throws SSLException {
        String hex = normalizeFingerprint(sha256);
        FingerprintTrustManagerFactory trust = FingerprintTrustManagerFactory.builder("SHA-256").fingerprints(hex).build();
        return new ClientTls(builder().trustManager(trust).endpointIdentificationAlgorithm(null).build());
    }

    /** Trusts any certificate: the connection is encrypted, but anyone on the path may be the other end. */
    public static ClientTls insecure() throws SSLException {
        return new ClientTls(builder().trustManager(InsecureTrustManagerFactory.INSTANCE)
                .endpointIdentificationAlgorithm(null).build());
    }

    /** Trusts the given certificates as authorities, and checks the host name; for tests and private CAs. */
    static ClientTls trusting(X509Certificate... authorities) throws SSLException {
        return new ClientTls(builder().trustManager(authorities).endpointIdentificationAlgorithm("HTTPS").build());
    }

    /**
     * {@code sha256} as 64 lower-case hex digits.
     *
     * @throws IllegalArgumentException if it is not 32 bytes of hex, colons allowed
     */
    public static String normalizeFingerprint(String sha256) {
        requireNonNull(sha256, "sha256");
        String hex = sha256.strip().replace(":", "").toLowerCase(Locale.ROOT);
        if (hex.length() != SHA256_HEX_DIGITS || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("not a SHA-256 fingerprint: '" + sha256
                    + "' (expected: 64 hex digits, colons allowed)");
        }
        return hex;
    }

    /**
     * A TLS handler for a connection to {@code host}: the name the user gave, not the address it resolved
     * to, is what the certificate is checked against and what SNI tells the server.
     */
    SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
        return context.newHandler(alloc, host, port);
    }

    private static SslContextBuilder builder() {
        return SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols(PROTOCOLS);
    }
}
