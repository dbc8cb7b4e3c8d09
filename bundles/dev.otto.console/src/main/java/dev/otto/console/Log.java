package dev.otto.console;

/** Where the plain classes of this bundle report to; the component passes the OSGi logger. */
interface Log {

    void info(String message);

    void warn(String message);
}
