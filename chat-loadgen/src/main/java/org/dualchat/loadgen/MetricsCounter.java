package org.dualchat.loadgen;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Counts what a dualchat server received by reading its Prometheus endpoint: the
 * {@code dualchat_lines_received_total} series of one protocol. That is what the server read from its
 * sockets, before its own queue (a UDP line it then drops for a full queue is counted there too, as
 * {@code dualchat_drops_total}); datagrams the kernel dropped never reach it.
 *
 * <pre>{@code
 * ReceivedCounter counter = MetricsCounter.of(URI.create("http://127.0.0.1:9100/metrics"), "udp");
 * }</pre>
 */
public final class MetricsCounter implements ReceivedCounter {

    // A scrape costs the server about a millisecond of an event loop: ask ten times a second, not 500.
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final URI uri;
    private final String series;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private MetricsCounter(URI uri, String series) {
        this.uri = uri;
        this.series = series;
    }

    /** A counter of the lines the server at {@code uri} received over {@code protocol} (udp or tcp). */
    public static MetricsCounter of(URI uri, String protocol) {
        requireNonNull(uri, "uri");
        if (!protocol.equals("udp") && !protocol.equals("tcp")) {
            throw new IllegalArgumentException("protocol: " + protocol + " (expected: udp or tcp)");
        }
        return new MetricsCounter(uri, "dualchat_lines_received_total{protocol=\"" + protocol + "\"}");
    }

    @Override
    public long count() throws IOException {
        HttpResponse<String> response;
        try {
            response = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + uri, e);
        }
        if (response.statusCode() != 200) {
            throw new IOException(uri + " answered " + response.statusCode());
        }
        return parse(response.body());
    }

    /** The value of this counter's series in a Prometheus text exposition. */
    long parse(String exposition) throws IOException {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(series + " ")) {
                try {
                    return (long) Double.parseDouble(line.substring(series.length() + 1).trim());
                } catch (NumberFormatException e) {
                    throw new IOException("not a number in " + uri + ": " + line, e);
                }
            }
        }
        throw new IOException(uri + " has no " + series);
    }

    @Override
    public Duration pollInterval() {
        return POLL;
    }

    @Override
    public String description() {
        return series + " at " + uri;
    }
}
