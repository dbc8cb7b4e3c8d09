package dev.otto.support.sqlite;

import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;

/**
 * Flyway's log output, routed to the using bundle's {@link Reporter}. Flyway instantiates
 * this class by name ({@code loggers(...)}); its loggers live in static fields, so they forward to
 * whichever reporter the latest migration run installed. Flyway's own progress lines go to debug:
 * {@link SchemaMigrator} says what happens in one line of its own.
 */
public final class FlywayLog implements LogCreator {

    private static volatile Reporter target = Reporter.NONE;

    /** Flyway creates it reflectively. */
    public FlywayLog() {
    }

    static void routeTo(Reporter reporter) {
        target = reporter;
    }

    @Override
    public Log createLogger(Class<?> clazz) {
        return new Forward(clazz.getSimpleName());
    }

    private static final class Forward implements Log {
        private final String source;

        Forward(String source) {
            this.source = source;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public void debug(String message) {
            // Flyway's debug output is SQL-level detail nobody operating Otto needs
        }

        @Override
        public void info(String message) {
            target.debug("Flyway " + source + ": " + message);
        }

        @Override
        public void notice(String message) {
            target.debug("Flyway " + source + ": " + message);
        }

        @Override
        public void warn(String message) {
            target.warn("Flyway " + source + ": " + message);
        }

        @Override
        public void error(String message) {
            target.error("Flyway " + source + ": " + message);
        }

        @Override
        public void error(String message, Exception e) {
            target.error("Flyway " + source + ": " + message + " (" + e + ")");
        }
    }
}
