package org.dualchat.netty.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.dualchat.netty.common.Reasons;

/**
 * Reads the certificates and the private key of a TLS server from PEM files, in every unencrypted format
 * OpenSSL writes, and says in one line what is wrong with a file that cannot be used.
 *
 * <p>The key may be PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1
 * ({@code BEGIN EC PRIVATE KEY}); text around the PEM blocks is ignored, so one file may hold both the
 * certificates and the key. The key and certificate objects are converted by the JDK's own providers.
 */
final class PemFiles {

    /** Far more than any certificate chain: a bigger file is not what the user meant to give. */
    private static final long MAX_FILE_SIZE = 1024 * 1024;
    /** Certificates and keys in DER all start with an ASN.1 SEQUENCE; PEM text never starts with this byte. */
    private static final byte DER_SEQUENCE = 0x30;

    private PemFiles() {}

    /** The certificates in {@code file}, the server's own first, as PEM files list them. */
    static List<X509Certificate> readCertificates(Path file) throws IOException {
        String what = "TLS certificate file " + file;
        List<Object> objects = readPem(file, what, "openssl x509 -inform DER -in " + file + " -out " + file + ".pem");
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> certificates = new ArrayList<>();
        boolean sawKey = false;
        for (Object object : objects) {
            if (object instanceof X509CertificateHolder) {
                try {
                    certificates.add(converter.getCertificate((X509CertificateHolder) object));
                } catch (CertificateException e) {
                    throw failure(what, "invalid certificate: " + Reasons.of(e), e);
                }
            } else if (isKey(object)) {
                sawKey = true;
            }
        }
        if (certificates.isEmpty()) {
            throw failure(what, "no certificate in it" + (sawKey
                    ? " (it holds a private key: are the certificate and key files swapped?)"
                    : " (expected PEM: -----BEGIN CERTIFICATE-----)"), null);
        }
        return certificates;
    }

    /** The first private key in {@code file}; certificates in the same file are skipped. */
    static PrivateKey readPrivateKey(Path file) throws IOException {
        String what = "TLS key file " + file;
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object object : readPem(file, what, "openssl pkey -inform DER -in " + file + " -out " + file + ".pem")) {
            try {
                if (object instanceof PrivateKeyInfo) {
                    return converter.getPrivateKey((PrivateKeyInfo) object);
                }
                if (object instanceof PEMKeyPair) {
                    // Only the private half: a SEC1 key may leave its optional public key out.
                    return converter.getPrivateKey(((PEMKeyPair) object).getPrivateKeyInfo());
                }
            } catch (IOException | RuntimeException e) {
                throw failure(what, "unusable key: " + Reasons.of(e), e);
            }
            if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
                throw failure(what, "the key is encrypted; decrypt it with 'openssl pkey -in " + file
                        + " -out " + file + ".plain' and keep that file private", null);
            }
        }
        throw failure(what, "no private key in it (expected PEM: -----BEGIN PRIVATE KEY-----)", null);
    }

    /** @param fromDer the command that converts a DER file of this kind to PEM */
    private static List<Object> readPem(Path file, String what, String fromDer) throws IOException {
        byte[] bytes = readBytes(file, what);
        if (bytes.length > 0 && bytes[0] == DER_SEQUENCE) {
            throw failure(what, "it is DER, not PEM; convert it with '" + fromDer + "'", null);
        }
        // PEM is ASCII; Latin-1 maps any other byte to one character, so a binary file fails as "no PEM block".
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            // BouncyCastle reports bad Base64 and bad DER inside a block as unchecked exceptions, too.
            throw failure(what, "malformed PEM: " + Reasons.of(e), e);
        }
        return objects;
    }

    private static byte[] readBytes(Path file, String what) throws IOException {
        if (Files.isDirectory(file)) {
            throw failure(what, "it is a directory", null);
        }
        try {
            if (Files.size(file) > MAX_FILE_SIZE) {
                throw failure(what, "larger than " + MAX_FILE_SIZE + " bytes, so not a PEM file", null);
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw failure(what, "no such file", e);
        } catch (AccessDeniedException e) {
            throw failure(what, "permission denied", e);
        } catch (FileSystemException e) {
            throw failure(what, e.getReason() != null ? e.getReason() : Reasons.of(e), e);
        }
    }

    private static IOException failure(String what, String reason, Throwable cause) {
        return new IOException("cannot read " + what + ": " + reason, cause);
    }

    private static boolean isKey(Object object) {
        return object instanceof PrivateKeyInfo || object instanceof PEMKeyPair
                || object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair;
    }
}
