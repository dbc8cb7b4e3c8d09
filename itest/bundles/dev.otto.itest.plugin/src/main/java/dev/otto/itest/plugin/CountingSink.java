package dev.otto.itest.plugin;

import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Component;

import dev.otto.api.spi.PluginName;
import dev.otto.api.spi.TelemetrySink;
import dev.otto.api.telemetry.TelemetryRecord;

/** A telemetry sink that only counts what it receives: the smallest real plugin there is. */
@Component
@PluginName(CountingSink.NAME)
public final class CountingSink implements TelemetrySink {

    /** The value of this plugin's {@code otto.plugin.name} service property. */
    public static final String NAME = "itest-counting";

    private final AtomicLong received = new AtomicLong();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void accept(TelemetryRecord record) {
        received.incrementAndGet();
    }
}
