package dev.otto.tools;

import org.osgi.service.log.Logger;

/** The two levels this bundle logs at; an OSGi {@link Logger} in the runtime, a list in tests. */
interface Log {

    void info(String message);

    void warn(String message);

    static Log of(Logger logger) {
        return new Log() {
            @Override
            public void info(String message) {
                logger.info(message);
            }

            @Override
            public void warn(String message) {
                logger.warn(message);
            }
        };
    }
}
