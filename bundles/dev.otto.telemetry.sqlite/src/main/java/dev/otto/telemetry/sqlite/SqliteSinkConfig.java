package dev.otto.telemetry.sqlite;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the SQLite sink, PID {@value SqliteSink#PID} (e.g. {@code deploy/dev.otto.telemetry.sqlite.cfg}). */
@ObjectClassDefinition(id = SqliteSink.PID, name = "Otto SQLite telemetry sink",
        description = "Telemetry rows in <data>/telemetry.db and the daily reports computed from them")
public @interface SqliteSinkConfig {

    @AttributeDefinition(description = "Most records in one transaction (1..1000)")
    int batchSize() default 1000;

    @AttributeDefinition(description = "A batch is committed at most this many milliseconds after its first record (1..100)")
    long batchDelayMillis() default 100;

    @AttributeDefinition(description = "Records waiting for a batch before the newest are dropped (counted)")
    int bufferCapacity() default 20000;

    @AttributeDefinition(description = "synchronous=FULL instead of NORMAL: commits also survive power loss (slower)")
    boolean fullSync() default false;

    @AttributeDefinition(description = "Rows of days more than this many days before today (UTC) are deleted; 0 keeps them forever")
    int retentionDays() default 90;

    @AttributeDefinition(description = "A failing commit is logged at most once per this many seconds, with the count of records dropped")
    long errorLogIntervalSeconds() default 60;

    @AttributeDefinition(description = "A day closes (its daily report is written) this many seconds after UTC midnight, so late records count")
    long dayCloseGraceSeconds() default 60;
}
