package org.dualchat.netty.tls;

import io.netty.channel.ChannelPipeline;

/** Puts TLS in front of a TCP client's pipeline: the {@code SslHandler} first, then its {@link TlsEventHandler}. */
public final class TlsStage {

    private final ServerTls tls;
    private final HandshakeFailures failures;

    public TlsStage(ServerTls tls, HandshakeFailures failures) {
        this.tls = tls;
        this.failures = failures;
    }

    public void addTo(ChannelPipeline pipeline) {
        pipeline.addLast("tls", tls.newHandler(pipeline.channel().alloc()))
                .addLast("tls-events", new TlsEventHandler(failures));
    }
}
