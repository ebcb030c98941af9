package org.dualchat.netty.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.IOException;
import org.dualchat.netty.common.HttpEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the metrics endpoints: {@code GET /metrics} (the format the scraper's {@code Accept} header asks
 * for, Prometheus text by default), {@code GET /health} ({@code ok}), 404 for any other path, 405 for any
 * other method on these two. One per connection.
 */
final class MetricsHttpHandler extends HttpEndpoint {

    private static final Logger logger = LoggerFactory.getLogger(MetricsHttpHandler.class);

    private static final ExpositionFormats FORMATS = ExpositionFormats.init();

    private final PrometheusMeterRegistry registry;

    MetricsHttpHandler(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, request, text(HttpResponseStatus.BAD_REQUEST, "bad request\n"), true);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (!path.equals("/metrics") && !path.equals("/health")) {
            respond(ctx, request, text(HttpResponseStatus.NOT_FOUND, "not found: try /metrics or /health\n"), false);
            return;
        }
        if (!HttpMethod.GET.equals(request.method())) {
            FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed: use GET\n");
            response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.GET.name());
            respond(ctx, request, response, false);
            return;
        }
        if (path.equals("/health")) {
            respond(ctx, request, text(HttpResponseStatus.OK, "ok\n"), false);
        } else {
            respond(ctx, request, scrape(ctx, request.headers().get(HttpHeaderNames.ACCEPT)), false);
        }
    }

    private FullHttpResponse scrape(ChannelHandlerContext ctx, String accept) {
        ExpositionFormatWriter writer = FORMATS.findWriter(accept);
        ByteBuf body = ctx.alloc().buffer(16 * 1024);
        try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
            writer.write(out, registry.getPrometheusRegistry().scrape());
        } catch (IOException | RuntimeException e) {
            body.release();
            logger.warn("Cannot produce the metrics: {}", e.toString());
            return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot produce the metrics\n");
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, writer.getContentType());
        HttpUtil.setContentLength(response, body.readableBytes());
        return response;
    }
}
