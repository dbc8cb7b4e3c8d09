package dev.otto.telemetry.jsonl;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.otto.api.runtime.HealthCheck;
import dev.otto.api.spi.TelemetrySink;

/**
 * The {@link HealthCheck} "telemetry folder": {@code otto:status} is not ready while the JSONL
 * sink's folder or an open file was deleted or replaced and not yet recreated, or its writes fail.
 * A component of its own because a sink's {@code name()} is its plugin name, a check's is what it checks.
 */
@Component(service = HealthCheck.class)
public final class JsonlFolderCheck implements HealthCheck {

    private final JsonlSink sink;

    @Activate
    public JsonlFolderCheck(@Reference(target = "(component.name=" + JsonlSink.PID + ")") TelemetrySink sink) {
        this.sink = (JsonlSink) sink;
    }

    @Override
    public String name() {
        return "telemetry folder";
    }

    @Override
    public String problem() {
        try {
            return sink.problem();
        } catch (RuntimeException e) {
            return null; // the sink stopping meanwhile: its own state says so
        }
    }
}
