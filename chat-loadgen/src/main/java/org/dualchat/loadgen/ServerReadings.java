package org.dualchat.loadgen;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a benchmark reads from the server's own metrics endpoint once a run is over: its peak resident
 * memory and what its room missed or shed. Series the server does not expose are left out.
 */
public final class ServerReadings {

    /** The series read, and how the report names them. */
    private static final Map<String, String> SERIES = Map.of(
            "process_resident_memory_peak_bytes", "peak_rss_bytes",
            "dualchat_relays_sent_total", "relays_sent",
            "dualchat_relays_dropped_total", "relays_missed",
            "dualchat_relays_shed_total", "relays_shed");

    private ServerReadings() {}

    /**
     * Reads the series from {@code uri}, in a fixed order: {@code peak_rss_bytes}, {@code relays_sent},
     * {@code relays_missed}, {@code relays_shed}.
     */
    public static Map<String, Long> read(URI uri) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(uri + " answered " + response.statusCode());
        }
        return parse(response.body());
    }

    static Map<String, Long> parse(String exposition) {
        Map<String, Long> found = new LinkedHashMap<>();
        for (String name : new String[] {"process_resident_memory_peak_bytes", "dualchat_relays_sent_total",
                "dualchat_relays_dropped_total", "dualchat_relays_shed_total"}) {
            for (String line : exposition.split("\n")) {
                if (line.startsWith(name + " ")) {
                    try {
                        found.put(SERIES.get(name), (long) Double.parseDouble(line.substring(name.length() + 1).trim()));
                    } catch (NumberFormatException ignored) {
                        // Not a reading: leave it out.
                    }
                }
            }
        }
        return found;
    }
}
