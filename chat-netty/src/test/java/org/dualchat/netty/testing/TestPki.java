package org.dualchat.netty.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/** Keys, certificates and PEM files for tests, made with the same BouncyCastle the server reads them with. */
public final class TestPki {

    private TestPki() {}

    public static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    public static KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** A self-signed certificate for {@code keys}, valid from {@code from} for a day, for the DNS names given. */
    public static X509Certificate certificate(KeyPair keys, Instant from, String... dnsNames) throws Exception {
        X500Name name = new X500Name("CN=dualchat test");
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(from.toEpochMilli()),
                Date.from(from), Date.from(from.plus(Duration.ofDays(1))), name, keys.getPublic());
        if (dnsNames.length > 0) {
            GeneralName[] names = new GeneralName[dnsNames.length];
            for (int i = 0; i < dnsNames.length; i++) {
                names[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
            }
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        String signature = keys.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(signature).build(keys.getPrivate())));
    }

    public static X509Certificate certificate(KeyPair keys, String... dnsNames) throws Exception {
        return certificate(keys, Instant.now().minus(Duration.ofHours(1)), dnsNames);
    }

    /**
     * {@code keys}' private key as OpenSSL writes an EC key ({@code openssl ecparam -genkey}): SEC1, with the
     * curve and the public key in it. (BouncyCastle's writer leaves both out of a JDK key.)
     */
    public static PemObject sec1(KeyPair keys) throws IOException {
        SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
        ECPrivateKey key = (ECPrivateKey) keys.getPrivate();
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
                key.getParams().getOrder().bitLength(), key.getS(), publicKey.getPublicKeyData(),
                publicKey.getAlgorithm().getParameters());
        return new PemObject("EC PRIVATE KEY", sec1.getEncoded());
    }

    /**
     * Writes {@code objects} as PEM: a certificate as {@code CERTIFICATE}, a private key in the traditional
     * OpenSSL form ({@code RSA PRIVATE KEY}), a {@code JcaPKCS8Generator} as PKCS#8, a {@code PemObject} as it is.
     */
    public static Path pem(Path file, Object... objects) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        }
        return Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
    }
}
