package dev.otto.shell;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.otto.api.job.JobRun;
import dev.otto.api.job.JobRunOutcome;
import dev.otto.api.job.JobScheduler;
import dev.otto.api.job.NoSuchJobException;
import dev.otto.api.routing.ReasonCode;
import dev.otto.support.text.TerminalSafe;

/**
 * {@code otto:job-run <id>}: runs a job now through the scheduler, recorded like a scheduled run,
 * and prints one line: outcome, final model and its source, attempts, fallback reasons, tokens and
 * time. Never the answer or the prompt.
 */
@Component(service = JobRunCommands.class, immediate = true, property = {
        "osgi.command.scope=otto",
        "osgi.command.function=jobrun" })
@Descriptor("Otto job runs: run a job now through the scheduler")
public final class JobRunCommands {

    // dynamic and optional: the shell stays up while the scheduler bundle is stopped
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile JobScheduler scheduler;

    private CommandAliases aliases;

    public JobRunCommands() {
    }

    JobRunCommands(JobScheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Immediate, so the hyphenated alias exists before the command was called. */
    @Activate
    void activate(BundleContext context) {
        aliases = new CommandAliases(context, this, Map.of("job-run", "jobrun"));
    }

    @Deactivate
    void deactivate() {
        aliases.close();
    }

    @Descriptor("Run a job now (enabled or not), recorded in job_runs like a scheduled run; prints the final model,"
            + " attempts, fallback reasons, tokens and time. Fails if the job is running already")
    public String jobrun(
            @Descriptor("print JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the job id, as otto:jobs lists it") String id) {
        long jobId = JobFields.parseId(id);
        JobScheduler current = scheduler;
        if (current == null) {
            throw new IllegalStateException(JobFields.NO_SCHEDULER);
        }
        JobRun run;
        try {
            run = current.runNow(jobId);
        } catch (NoSuchJobException e) {
            throw new IllegalArgumentException("no job with id " + jobId + ": 'otto:jobs' lists the existing ids");
        }
        if (json) {
            return Json.write(runJson(run));
        }
        String line = TerminalSafe.line(line(run)); // a hook's note can hold what its program printed
        if (run.outcome() != JobRunOutcome.SUCCESS) {
            throw new IllegalStateException(line);
        }
        return line;
    }

    /** The one result line, e.g. {@code Job 3 run 17: success on openai/gpt-5.2 (job), 2 attempts (fallback: provider_5xx), 10 in / 5 out tokens, 1s.} */
    static String line(JobRun run) {
        StringBuilder text = new StringBuilder();
        text.append("Job ").append(run.jobId()).append(" run ").append(run.id()).append(": ");
        if (run.outcome() == JobRunOutcome.SKIPPED) {
            return text.append(run.note() == null ? "skipped" : run.note()).append('.').toString();
        }
        text.append(run.outcome().wireName());
        text.append(run.finalModel() == null ? " before any model answered" : " on " + run.finalModel());
        if (run.resolutionSource() != null) {
            text.append(" (").append(run.resolutionSource().wireName()).append(')');
        }
        text.append(", ").append(run.attempts()).append(run.attempts() == 1 ? " attempt" : " attempts");
        if (!run.fallbackReasons().isEmpty()) {
            text.append(" (fallback: ").append(run.fallbackReasons().stream().map(ReasonCode::wireName)
                    .collect(Collectors.joining(", "))).append(')');
        }
        if (run.outcome() != JobRunOutcome.SUCCESS && run.reason() != null) {
            text.append(", reason ").append(run.reason().wireName());
            if (run.errorClass() != null) {
                text.append(" (").append(run.errorClass()).append(')');
            }
        }
        text.append(", ").append(run.tokensIn()).append(" in / ").append(run.tokensOut()).append(" out tokens, ")
                .append(Durations.format(run.duration().orElse(Duration.ZERO)));
        if (run.note() != null) {
            text.append("; ").append(run.note());
        }
        return text.append('.').toString();
    }

    private static Map<String, Object> runJson(JobRun run) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run_id", run.id());
        json.put("job_id", run.jobId());
        json.put("trigger", run.trigger().wireName());
        json.put("outcome", run.outcome().wireName());
        json.put("started_at", run.startedAt().toString());
        json.put("finished_at", run.finishedAt() == null ? null : run.finishedAt().toString());
        json.put("duration_ms", run.duration().map(Duration::toMillis).orElse(null));
        json.put("router_run_id", run.routerRunId());
        json.put("resolution_source", run.resolutionSource() == null ? null : run.resolutionSource().wireName());
        json.put("final_model", run.finalModel() == null ? null : run.finalModel().toString());
        json.put("reason", run.reason() == null ? null : run.reason().wireName());
        json.put("error_class", run.errorClass() == null ? null : run.errorClass().name());
        json.put("fallback_reasons", run.fallbackReasons().stream().map(ReasonCode::wireName).collect(Collectors.toList()));
        json.put("attempts", run.attempts());
        json.put("tokens_in", run.tokensIn());
        json.put("tokens_out", run.tokensOut());
        json.put("note", run.note());
        return json;
    }
}
