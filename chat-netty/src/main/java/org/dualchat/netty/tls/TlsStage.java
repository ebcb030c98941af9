package org.dualchat.netty.tls;

import io.netty.channel.ChannelPipeline;

/**
 * Puts what tells TLS from plain text in front of a TCP client's pipeline, and TLS itself once a client
 * speaks it: the {@code SslHandler}, then its {@link TlsEventHandler}.
 */
public final class TlsStage {

    private static final String DETECT = "detect";

    private final ServerTls tls;
    private final HandshakeFailures failures;

    /** @param tls the server's certificate, or {@code null} if it has none */
    public TlsStage(ServerTls tls, HandshakeFailures failures) {
        this.tls = tls;
        this.failures = failures;
    }

    /**
     * Adds the detector for a port that takes TLS only ({@code tlsOnly}) or, with a certificate, both; a
     * server without a certificate gets one that refuses a TLS hello in plain words.
     *
     * @return whether the client's session waits for a start event ({@link PlainStart} or a successful
     *     handshake) rather than starting when it connects
     */
    public boolean addTo(ChannelPipeline pipeline, boolean tlsOnly) {
        TlsDetector.Mode mode = tls == null ? TlsDetector.Mode.PLAIN
                : tlsOnly ? TlsDetector.Mode.TLS : TlsDetector.Mode.EITHER;
        pipeline.addLast(DETECT, new TlsDetector(mode, this, failures));
        return mode != TlsDetector.Mode.PLAIN;
    }

    /**
     * Whether a client's session waits for a start event ({@link PlainStart} or a successful handshake): on a
     * server with a certificate. Without one, every port takes plain text only, the session starts when the
     * client connects, and the detector may wait for the client's first bytes ({@link #addDetectorAfter}).
     */
    public boolean awaitsStart() {
        return tls != null;
    }

    /**
     * Adds the detector of a plain-text-only port (a server without a certificate) after {@code name}, once
     * the client's first bytes have come: there is no timer to arm before them.
     *
     * @return the detector's name
     */
    public String addDetectorAfter(ChannelPipeline pipeline, String name) {
        pipeline.addAfter(name, DETECT, new TlsDetector(TlsDetector.Mode.PLAIN, this, failures));
        return DETECT;
    }

    /** Adds TLS itself at the end of {@code pipeline}, for a port that speaks nothing else (HTTPS). */
    public void addTlsTo(ChannelPipeline pipeline) {
        pipeline.addLast("tls", tls.newHandler(pipeline.channel().alloc()))
                .addLast("tls-events", new TlsEventHandler(failures));
    }

    /** Adds TLS after {@code name}: the client's first bytes were a TLS hello. */
    void addAfter(ChannelPipeline pipeline, String name) {
        pipeline.addAfter(name, "tls", tls.newHandler(pipeline.channel().alloc()))
                .addAfter("tls", "tls-events", new TlsEventHandler(failures));
    }
}
