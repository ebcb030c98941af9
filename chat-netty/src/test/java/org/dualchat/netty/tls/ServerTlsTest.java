package org.dualchat.netty.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.dualchat.netty.testing.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Reading the server's certificate and key from PEM files, and the errors a user sees when that fails. */
@Timeout(60)
class ServerTlsTest {

    private static KeyPair rsa;
    private static KeyPair ec;
    private static X509Certificate rsaCert;
    private static X509Certificate ecCert;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeKeys() throws Exception {
        rsa = TestPki.rsa();
        ec = TestPki.ec();
        rsaCert = TestPki.certificate(rsa, "localhost");
        ecCert = TestPki.certificate(ec, "localhost");
    }

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
    }

    @Test
    void readsPkcs8Pkcs1AndSec1KeysAndTheirCertificates() throws Exception {
        Path rsaCertFile = TestPki.pem(dir.resolve("rsa.crt"), rsaCert);
        Path ecCertFile = TestPki.pem(dir.resolve("ec.crt"), ecCert);
        Path pkcs8Rsa = TestPki.pem(dir.resolve("rsa-pkcs8.key"), new JcaPKCS8Generator(rsa.getPrivate(), null));
        Path pkcs1Rsa = TestPki.pem(dir.resolve("rsa-pkcs1.key"), rsa.getPrivate());
        Path pkcs8Ec = TestPki.pem(dir.resolve("ec-pkcs8.key"), new JcaPKCS8Generator(ec.getPrivate(), null));
        Path sec1Ec = TestPki.pem(dir.resolve("ec-sec1.key"), TestPki.sec1(ec));
        assertThat(Files.readString(pkcs8Rsa)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(pkcs1Rsa)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(Files.readString(sec1Ec)).startsWith("-----BEGIN EC PRIVATE KEY-----");

        for (Path key : List.of(pkcs8Rsa, pkcs1Rsa)) {
            assertThat(ServerTls.fromPemFiles(rsaCertFile, key).certificate()).isEqualTo(rsaCert);
        }
        for (Path key : List.of(pkcs8Ec, sec1Ec)) {
            assertThat(ServerTls.fromPemFiles(ecCertFile, key).certificate()).isEqualTo(ecCert);
        }
    }

    @Test
    void takesTheCertificateAndTheKeyFromOneFileWithTextAroundThem() throws Exception {
        Path both = TestPki.pem(dir.resolve("both.pem"), ecCert, new JcaPKCS8Generator(ec.getPrivate(), null));
        // As 'openssl pkcs12 -nodes' writes it: attributes before each block.
        Files.writeString(both, "Bag Attributes\n    friendlyName: chat\n" + Files.readString(both));
        ServerTls tls = ServerTls.fromPemFiles(both, both);
        assertThat(tls.certificate()).isEqualTo(ecCert);
        assertThat(tls.isSelfSigned()).isFalse();
    }

    @Test
    void theFingerprintIsTheSha256OfTheCertificateAsOpensslShowsIt() throws Exception {
        ServerTls tls = ServerTls.fromPemFiles(TestPki.pem(dir.resolve("c"), ecCert),
                TestPki.pem(dir.resolve("k"), new JcaPKCS8Generator(ec.getPrivate(), null)));
        String hex = HexFormat.of().withUpperCase().withDelimiter(":")
                .formatHex(MessageDigest.getInstance("SHA-256").digest(ecCert.getEncoded()));
        assertThat(tls.fingerprint()).isEqualTo(hex).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    }

    @Test
    void theSelfSignedCertificateIsAFreshEcKeyForTheLoopbackNames() throws Exception {
        ServerTls one = ServerTls.selfSigned();
        ServerTls two = ServerTls.selfSigned();
        X509Certificate cert = one.certificate();
        assertThat(one.isSelfSigned()).isTrue();
        assertThat(one.fingerprint()).isNotEqualTo(two.fingerprint());
        assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(cert.getSubjectX500Principal()).isEqualTo(cert.getIssuerX500Principal());
        cert.verify(cert.getPublicKey());
        cert.checkValidity(new Date());
        assertThat(cert.getSubjectAlternativeNames().stream().map(name -> (Object) name.get(1)))
                .containsExactlyInAnyOrder("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
    }

    @Test
    void aMissingFileOrADirectoryIsOneLineNamingTheFile() throws Exception {
        Path cert = TestPki.pem(dir.resolve("c.pem"), ecCert);
        assertThatThrownBy(() -> ServerTls.fromPemFiles(cert, dir.resolve("nope.key")))
                .hasMessage("cannot read TLS key file " + dir.resolve("nope.key") + ": no such file");
        assertThatThrownBy(() -> ServerTls.fromPemFiles(dir.resolve("nope.crt"), cert))
                .hasMessage("cannot read TLS certificate file " + dir.resolve("nope.crt") + ": no such file");
        assertThatThrownBy(() -> ServerTls.fromPemFiles(cert, dir))
                .hasMessage("cannot read TLS key file " + dir + ": it is a directory");
    }

    @Test
    void filesWithoutWhatTheyShouldHoldSaySo() throws Exception {
        Path cert = TestPki.pem(dir.resolve("c.pem"), ecCert);
        Path key = TestPki.pem(dir.resolve("k.pem"), new JcaPKCS8Generator(ec.getPrivate(), null));
        Path empty = file("empty.pem", "");
        Path der = Files.write(dir.resolve("cert.der"), ecCert.getEncoded());

        assertThatThrownBy(() -> ServerTls.fromPemFiles(key, cert))
                .hasMessage("cannot read TLS certificate file " + key
                        + ": no certificate in it (it holds a private key: are the certificate and key files swapped?)");
        assertThatThrownBy(() -> ServerTls.fromPemFiles(cert, cert))
                .hasMessage("cannot read TLS key file " + cert + ": no private key in it"
                        + " (expected PEM: -----BEGIN PRIVATE KEY-----)");
        assertThatThrownBy(() -> ServerTls.fromPemFiles(empty, key))
                .hasMessageStartingWith("cannot read TLS certificate file " + empty + ": no certificate in it");
        assertThatThrownBy(() -> ServerTls.fromPemFiles(der, key))
                .hasMessage("cannot read TLS certificate file " + der + ": it is DER, not PEM; convert it with"
                        + " 'openssl x509 -inform DER -in " + der + " -out " + der + ".pem'");
        Path derKey = Files.write(dir.resolve("key.der"), ec.getPrivate().getEncoded());
        assertThatThrownBy(() -> ServerTls.fromPemFiles(cert, derKey))
                .hasMessage("cannot read TLS key file " + derKey + ": it is DER, not PEM; convert it with"
                        + " 'openssl pkey -inform DER -in " + derKey + " -out " + derKey + ".pem'");
        assertThatThrownBy(() -> ServerTls.fromPemFiles(cert, file("bad.pem",
                "-----BEGIN PRIVATE KEY-----\nnot base64 at all!\n-----END PRIVATE KEY-----\n")))
                .hasMessageStartingWith("cannot read TLS key file " + dir.resolve("bad.pem") + ": ")
                .message().doesNotContain("\n");
    }

    @Test
    void anEncryptedKeySaysHowToDecryptIt() throws Exception {
        Path cert = TestPki.pem(dir.resolve("c.pem"), ecCert);
        Path encrypted = TestPki.pem(dir.resolve("enc.key"), new JcaPKCS8Generator(ec.getPrivate(),
                new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC).setProvider(new BouncyCastleProvider())
                        .setPassword("secret".toCharArray()).build()));
        assertThat(Files.readString(encrypted)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        assertThatThrownBy(() -> ServerTls.fromPemFiles(cert, encrypted))
                .hasMessage("cannot read TLS key file " + encrypted + ": the key is encrypted; decrypt it with 'openssl pkey -in "
                        + encrypted + " -out " + encrypted + ".plain' and keep that file private");
        // The traditional OpenSSL form: 'Proc-Type: 4,ENCRYPTED' in an RSA PRIVATE KEY block.
        Path traditional = TestPki.pem(dir.resolve("enc-rsa.key"), new JcaMiscPEMGenerator(rsa.getPrivate(),
                new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(new BouncyCastleProvider())
                        .build("secret".toCharArray())));
        assertThat(Files.readString(traditional)).contains("Proc-Type: 4,ENCRYPTED");
        assertThatThrownBy(() -> ServerTls.fromPemFiles(TestPki.pem(dir.resolve("rsa.crt"), rsaCert), traditional))
                .hasMessageContaining(": the key is encrypted; decrypt it with 'openssl pkey -in " + traditional);
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefused() throws Exception {
        Path ecCertFile = TestPki.pem(dir.resolve("ec.crt"), ecCert);
        Path otherEc = TestPki.pem(dir.resolve("other.key"), TestPki.sec1(TestPki.ec()));
        Path rsaKey = TestPki.pem(dir.resolve("rsa.key"), rsa.getPrivate());
        assertThatThrownBy(() -> ServerTls.fromPemFiles(ecCertFile, otherEc))
                .hasMessage("the key in " + otherEc + " is not the key of the certificate in " + ecCertFile);
        assertThatThrownBy(() -> ServerTls.fromPemFiles(ecCertFile, rsaKey))
                .hasMessage("the key in " + rsaKey + " is not the key of the certificate in " + ecCertFile);
    }
}
