package org.dualchat.netty.tls;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.dualchat.netty.ChatServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.dualchat.netty.common.Reasons;

/**
 * The certificate and key a {@link ChatServer} serves TLS with, on the JDK's own TLS implementation
 * (TLS 1.3 and 1.2): read from PEM files, or made at start for development.
 *
 * <pre>{@code
 * ServerTls tls = ServerTls.fromPemFiles(Path.of("cert.pem"), Path.of("key.pem"));
 * ChatServerConfig config = ChatServerConfig.builder()
 *         .tls(tls)          // TLS on the TCP port, which then takes TLS clients only
 *         .tlsPort(2223)     // or: plain TCP stays, and TLS listens on a port of its own
 *         .build();
 * System.err.println("SHA-256 fingerprint " + tls.fingerprint());
 * }</pre>
 *
 * <p>Immutable and safe to share: one instance serves every connection.
 */
public final class ServerTls {

    private static final Logger logger = LoggerFactory.getLogger(ServerTls.class);

    /** A client that connects and never completes the handshake is closed after this long. */
    static final long HANDSHAKE_TIMEOUT_MILLIS = TimeUnit.SECONDS.toMillis(10);

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SslContext context;
    private final X509Certificate certificate;
    private final boolean selfSigned;
    private final String fingerprint;

    private ServerTls(SslContext context, X509Certificate certificate, boolean selfSigned) {
        this.context = context;
        this.certificate = certificate;
        this.selfSigned = selfSigned;
        this.fingerprint = fingerprint(certificate);
    }

    /**
     * Reads the server's certificate chain (its own certificate first, then any intermediates) and its
     * private key from PEM files. The key may be PKCS#8, PKCS#1 (RSA) or SEC1 (EC), unencrypted; both
     * may be in one file.
     *
     * @throws IOException if a file cannot be read or used, or the key is not the certificate's; the
     *     message is one line that names the file, for example
     *     {@code cannot read TLS key file key.pem: no such file}
     */
    public static ServerTls fromPemFiles(Path certificateFile, Path keyFile) throws IOException {
        requireNonNull(certificateFile, "certificateFile");
        requireNonNull(keyFile, "keyFile");
        List<X509Certificate> chain = PemFiles.readCertificates(certificateFile);
        PrivateKey key = PemFiles.readPrivateKey(keyFile);
        X509Certificate leaf = chain.get(0);
        if (!matches(key, leaf.getPublicKey())) {
            throw new IOException("the key in " + keyFile + " is not the key of the certificate in " + certificateFile
                    + (chain.size() > 1 ? " (the server's own certificate must come first)" : ""));
        }
        warnIfNotValidNow(leaf, certificateFile);
        return new ServerTls(context(key, chain, certificateFile + " and " + keyFile), leaf, false);
    }

    /**
     * Makes a new self-signed certificate, for development: clients cannot verify it, and must compare
     * its {@link #fingerprint()} or skip the check. A new key and certificate are made at each call.
     *
     * @throws IOException if the JDK cannot make the key or sign the certificate
     */
    public static ServerTls selfSigned() throws IOException {
        DevelopmentCertificate.KeyAndCertificate made;
        try {
            made = DevelopmentCertificate.make();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make a self-signed certificate: " + Reasons.of(e), e);
        }
        return new ServerTls(context(made.keys().getPrivate(), List.of(made.certificate()), "the self-signed certificate"),
                made.certificate(), true);
    }

    /** The server's own certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** Whether the certificate was made by {@link #selfSigned()}. */
    public boolean isSelfSigned() {
        return selfSigned;
    }

    /**
     * The SHA-256 fingerprint of the certificate, as {@code openssl x509 -fingerprint -sha256} shows it:
     * 32 bytes in upper-case hex, separated by colons.
     */
    public String fingerprint() {
        return fingerprint;
    }

    /** A new TLS handler for one accepted connection. */
    SslHandler newHandler(ByteBufAllocator alloc) {
        SslHandler handler = context.newHandler(alloc);
        handler.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS);
        return handler;
    }

    /** {@code certificate}'s SHA-256 fingerprint in the form of {@link #fingerprint()}. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            StringBuilder text = new StringBuilder(digest.length * 3);
            for (byte b : digest) {
                if (text.length() > 0) {
                    text.append(':');
                }
                text.append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
            return text.toString();
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("every JDK has SHA-256, and a parsed certificate has an encoding", e);
        }
    }

    private static SslContext context(PrivateKey key, List<X509Certificate> chain, String source) throws IOException {
        try {
            return SslContextBuilder.forServer(key, chain)
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .build();
        } catch (SSLException | RuntimeException e) {
            throw new IOException("cannot serve TLS with " + source + ": " + Reasons.of(e), e);
        }
    }

    /**
     * Whether {@code key} is the private half of {@code publicKey}: a signature made with one verifies
     * with the other. Without this check a mismatch shows only as every client's handshake failing.
     */
    private static boolean matches(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return true; // an algorithm we cannot test here; the handshake will tell
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // An EC key on another curve, an RSA key of another size: not the certificate's key either.
            logger.debug("Key check failed", e);
            return false;
        }
    }

    private static void warnIfNotValidNow(X509Certificate certificate, Path file) {
        try {
            certificate.checkValidity();
        } catch (CertificateExpiredException e) {
            logger.warn("The TLS certificate in {} expired on {}: clients that check it will refuse it",
                    file, certificate.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            logger.warn("The TLS certificate in {} is not valid before {}: clients that check it will refuse it",
                    file, certificate.getNotBefore().toInstant());
        }
    }
}
