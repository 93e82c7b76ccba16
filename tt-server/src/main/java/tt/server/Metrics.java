package tt.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.glassfish.jersey.micrometer.server.DefaultJerseyTagsProvider;
import org.glassfish.jersey.micrometer.server.MetricsApplicationEventListener;

/**
 * A daemon's metrics (Micrometer, exposed in Prometheus' text format by {@link MetricsResource}):
 * its own, and the API's latency per method, path template and status.
 */
public final class Metrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public MeterRegistry registry() {
        return registry;
    }

    /** The Jersey listener that times every API request ({@code http_server_requests_seconds}). */
    public Object apiLatency() {
        return new MetricsApplicationEventListener(registry, new DefaultJerseyTagsProvider(), "http.server.requests", true);
    }

    String scrape() {
        return registry.scrape();
    }
}
