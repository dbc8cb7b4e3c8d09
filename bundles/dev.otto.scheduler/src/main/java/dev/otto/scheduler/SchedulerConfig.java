package dev.otto.scheduler;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the scheduler, PID {@value SchedulerComponent#PID} (e.g. {@code deploy/dev.otto.scheduler.cfg}). */
@ObjectClassDefinition(id = SchedulerComponent.PID, name = "Otto scheduler",
        description = "Runs enabled jobs when due, through the router, and records each run in job_runs")
public @interface SchedulerConfig {

    @AttributeDefinition(description = "How often due jobs are looked for, ISO-8601 (at least PT0.1S); a job runs at most this late")
    String tickInterval() default "PT15S";

    @AttributeDefinition(description = "Failed runs in a row after which one watchdogFailures run is routed (1 or more)")
    int failuresBeforeWatchdog() default 3;

    @AttributeDefinition(description = "The watchdog run's prompt; a summary of the failures (ids, counts, reason codes,"
            + " error classes, models; never prompts or provider messages) is appended. Empty: no watchdog runs")
    String watchdogPrompt() default "";

    @AttributeDefinition(description = "Most scheduled runs at once over all jobs (1 to 64); due jobs beyond it wait for the next tick")
    int maxParallelRuns() default 2;

    @AttributeDefinition(description = "When the scheduler stops, how long runs in flight may take to finish, ISO-8601;"
            + " then they are interrupted and recorded as aborted")
    String shutdownGrace() default "PT30S";
}
