package dev.otto.itest.broken;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.otto.api.spi.TelemetrySink;

/** Needs a telemetry sink that nothing provides, so it stays unsatisfied. */
@Component(immediate = true, service = {})
public final class OrphanComponent {

    @Activate
    public OrphanComponent(@Reference(target = "(otto.plugin.name=no-such-sink)") TelemetrySink sink) {
        // never activated: no such sink exists
    }
}
