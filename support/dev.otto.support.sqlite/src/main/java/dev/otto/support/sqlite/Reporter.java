package dev.otto.support.sqlite;

import org.osgi.service.log.Logger;

/** Where a bundle's database code says what it does: the OSGi log in the runtime, a list in tests. */
public interface Reporter {

    void debug(String message);

    void info(String message);

    void warn(String message);

    void error(String message);

    /** Says nothing; for tools and tests that do not care. */
    Reporter NONE = new Reporter() {
        @Override
        public void debug(String message) {
        }

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

    /** Reports to an OSGi logger. */
    static Reporter of(Logger logger) {
        return new Reporter() {
            @Override
            public void debug(String message) {
                logger.debug(message);
            }

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
