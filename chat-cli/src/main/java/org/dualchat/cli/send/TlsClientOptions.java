package org.dualchat.cli.send;

import java.io.IOException;
import java.io.PrintStream;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import org.dualchat.cli.CommandFailure;
import org.dualchat.netty.client.ClientTls;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code send tcp}'s TLS options: whether to use TLS, and how to check the server's certificate. */
final class TlsClientOptions {

    @Option(names = "--tls",
            description = "Connect with TLS; the server's certificate must be trusted by Java's trust store and be"
                    + " for HOST.")
    boolean tls;

    @Option(names = "--insecure",
            description = "TLS, accepting any certificate (a self-signed one): encrypted, but anyone on the way"
                    + " could pose as the server.")
    boolean insecure;

    @Option(names = "--tls-fingerprint", paramLabel = "SHA256",
            description = "TLS, accepting only the certificate with this SHA-256 fingerprint (as the server logs it),"
                    + " whatever its issuer and names.")
    String fingerprint;

    /**
     * How to check the server, or {@code null} for plain TCP; warns on {@code err} when nothing is checked.
     *
     * @throws ParameterException for a bad fingerprint, or both {@code --insecure} and a fingerprint
     */
    ClientTls toClientTls(CommandSpec spec, PrintStream err) {
        if (insecure && fingerprint != null) {
            throw new ParameterException(spec.commandLine(), "--insecure and --tls-fingerprint exclude each other");
        }
        if (fingerprint != null) {
            try {
                ClientTls.normalizeFingerprint(fingerprint);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(),
                        "Invalid value for option '--tls-fingerprint': " + e.getMessage(), e, null, fingerprint);
            }
        }
        try {
            if (insecure) {
                err.println("dualchat: warning: --insecure: the server's certificate is not checked;"
                        + " the chat is encrypted, but anyone on the way could pose as the server");
                return ClientTls.insecure();
            }
            if (fingerprint != null) {
                return ClientTls.pinned(fingerprint);
            }
            return tls ? ClientTls.verifying() : null;
        } catch (SSLException e) {
            throw new CommandFailure("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** What to add to a failed connection's message: how to get past a certificate Java does not trust. */
    String hint(IOException failure) {
        if (insecure || fingerprint != null) {
            return "";
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CertificateException) {
                String message = String.valueOf(t.getMessage());
                // The JDK's words when the certificate is trusted but names other hosts.
                if (message.startsWith("No subject alternative") || message.startsWith("No name matching")) {
                    return " (connect by a name the certificate is for, or check its fingerprint with --tls-fingerprint)";
                }
                return " (a self-signed server? check its fingerprint with --tls-fingerprint, or skip the check"
                        + " with --insecure)";
            }
        }
        return "";
    }
}
