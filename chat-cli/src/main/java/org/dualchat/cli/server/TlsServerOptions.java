package org.dualchat.cli.server;

import java.io.IOException;
import java.nio.file.Path;
import org.dualchat.cli.CommandFailure;
import org.dualchat.netty.ChatServerConfig;
import org.dualchat.netty.tls.ServerTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The server's TLS options: where the certificate comes from, and which port takes TLS clients. */
final class TlsServerOptions {

    private static final Logger logger = LoggerFactory.getLogger(TlsServerOptions.class);

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Serve TLS with this PEM certificate chain, the server's own certificate first.")
    Path certificate;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "The PEM private key of --tls-cert: PKCS#8, PKCS#1 or SEC1, unencrypted"
                    + " (default: the key in the --tls-cert file).")
    Path key;

    @Option(names = "--tls-self-signed",
            description = "Serve TLS with a certificate made at start, for development; its SHA-256 fingerprint"
                    + " is logged for clients to check.")
    boolean selfSigned;

    @Option(names = "--tls-port", paramLabel = "PORT",
            description = "Serve TLS on this port and keep plain TCP on --tcp-port; 0 picks a free one"
                    + " (default: TLS on the TCP port, which then takes TLS clients only).")
    Integer port;

    /**
     * Sets TLS in {@code config} as the options say.
     *
     * @throws ParameterException for options that do not go together (exit code 2)
     * @throws CommandFailure for a file that cannot be read or used (exit code 1)
     */
    void configure(ChatServerConfig.Builder config, OptionValues values, CommandSpec spec) {
        if (key != null && certificate == null) {
            throw new ParameterException(spec.commandLine(), "--tls-key needs --tls-cert");
        }
        if (selfSigned && certificate != null) {
            throw new ParameterException(spec.commandLine(), "--tls-self-signed and --tls-cert exclude each other");
        }
        if (port != null) {
            if (certificate == null && !selfSigned) {
                throw new ParameterException(spec.commandLine(), "--tls-port needs --tls-cert or --tls-self-signed");
            }
            values.set("--tls-port", port, () -> config.tlsPort(port));
        }
        if (certificate == null && !selfSigned) {
            return;
        }
        config.tls(load());
    }

    private ServerTls load() {
        try {
            if (selfSigned) {
                ServerTls tls = ServerTls.selfSigned();
                logger.info("Made a self-signed TLS certificate for this run, for development: clients check it with"
                        + " --tls-fingerprint {}, or skip the check with --insecure", tls.fingerprint());
                return tls;
            }
            return ServerTls.fromPemFiles(certificate, key != null ? key : certificate);
        } catch (IOException e) {
            boolean keyMissing = key == null && e.getMessage().startsWith("cannot read TLS key file ");
            throw new CommandFailure(e.getMessage() + (keyMissing ? "; give the key file with --tls-key" : ""), e);
        }
    }
}
