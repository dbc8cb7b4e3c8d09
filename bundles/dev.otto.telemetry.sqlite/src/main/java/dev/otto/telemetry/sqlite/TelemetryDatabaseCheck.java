package dev.otto.telemetry.sqlite;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.otto.api.runtime.HealthCheck;
import dev.otto.api.telemetry.store.TelemetryStore;

/**
 * The {@code telemetry database} line of {@code otto:status}: {@code telemetry.db} deleted or
 * replaced while Otto runs, or its last commit failing for want of space ({@link
 * TelemetryDatabase#problem()}). A component of its own because the sink's {@code name()} is its
 * plugin name; it is active exactly while this bundle's sink is (a sink refused at start is shown
 * by {@code otto:status} as a failed component instead).
 */
@Component(service = HealthCheck.class)
public final class TelemetryDatabaseCheck implements HealthCheck {

    private final TelemetryDatabase database;

    @Activate
    public TelemetryDatabaseCheck(@Reference(target = "(component.name=" + SqliteSink.PID + ")") TelemetryStore sink) {
        // the target names this bundle's own sink, so the service object is that SqliteSink
        this.database = ((SqliteSink) sink).database();
    }

    @Override
    public String name() {
        return TelemetryDatabase.LABEL;
    }

    @Override
    public String problem() {
        return database.problem();
    }
}
