package dev.otto.itest.broken;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** Throws from its activate method, as a component with a bug would. */
@Component(immediate = true, service = {})
public final class FailingComponent {

    /** The text of the failure, which the operator must see. */
    public static final String FAILURE = "deliberately broken for the integration tests";

    @Activate
    public FailingComponent() {
        throw new IllegalStateException(FAILURE);
    }
}
