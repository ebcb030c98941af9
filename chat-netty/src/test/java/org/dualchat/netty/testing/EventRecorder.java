package org.dualchat.netty.testing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Stands after a handler under test and notes what reached it; buffers are kept as their text. */
public final class EventRecorder extends ChannelInboundHandlerAdapter {

    public boolean active;
    public boolean inactive;
    public final List<Object> reads = new ArrayList<>();

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        active = true;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inactive = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reads.add(msg instanceof ByteBuf ? ((ByteBuf) msg).toString(StandardCharsets.UTF_8) : msg);
        ReferenceCountUtil.release(msg);
    }
}
