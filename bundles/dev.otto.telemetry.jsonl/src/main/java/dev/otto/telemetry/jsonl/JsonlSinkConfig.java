package dev.otto.telemetry.jsonl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the JSONL sink, PID {@value JsonlSink#PID} (e.g. {@code deploy/dev.otto.telemetry.jsonl.cfg}). */
@ObjectClassDefinition(id = JsonlSink.PID, name = "Otto JSONL telemetry sink",
        description = "Append-only daily JSONL telemetry files in <data>/telemetry")
public @interface JsonlSinkConfig {

    @AttributeDefinition(description = "Telemetry files of days more than this many days before today (UTC) are deleted; 0 keeps them forever")
    int retentionDays() default 30;

    @AttributeDefinition(description = "Group commit: every this many milliseconds the records accepted since the last commit are written and fsynced")
    long fsyncIntervalMillis() default 10;

    @AttributeDefinition(description = "Strict mode: fsync every record before the next one is written (slower)")
    boolean strict() default false;

    @AttributeDefinition(description = "Longest string field, in characters; longer ones are cut and marked ...[truncated]")
    int maxFieldChars() default 512;

    @AttributeDefinition(description = "A failing write is logged at most once per this many seconds, with the count of records dropped")
    long errorLogIntervalSeconds() default 60;

    @AttributeDefinition(description = "A day closes (its daily report is written) this many seconds after UTC midnight, so late records count")
    long dayCloseGraceSeconds() default 60;
}
