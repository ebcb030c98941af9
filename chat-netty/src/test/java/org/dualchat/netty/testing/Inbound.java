package org.dualchat.netty.testing;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/** What a handler test's {@link EmbeddedChannel} passed on. */
public final class Inbound {

    private Inbound() {}

    /** Every message waiting at the end of {@code ch}'s pipeline, in order; none is left there. */
    public static <T> List<T> drain(EmbeddedChannel ch) {
        List<T> out = new ArrayList<>();
        T message;
        while ((message = ch.readInbound()) != null) {
            out.add(message);
        }
        return out;
    }
}
