package dev.otto.telemetry.jsonl;

import org.osgi.service.log.Logger;

/** Where the sink says what happens: the OSGi log in the runtime, a list in tests. */
interface Reporter {

    void info(String message);

    void warn(String message);

    void error(String message);

    /** Says nothing. */
    Reporter NONE = new Reporter() {
        @Override
        public void info(String message) {
        }

        @Override
        public void warn(String message) {
        }

        @Override
        public void error(String message) {
        }
    };

    static Reporter of(Logger logger) {
        return new Reporter() {
            @Override
            public void info(String message) {
                logger.info(message);
            }

            @Override
            public void warn(String message) {
                logger.warn(message);
            }

            @Override
            public void error(String message) {
                logger.error(message);
            }
        };
    }
}
