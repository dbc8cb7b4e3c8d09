package dev.otto.shell;

import static dev.otto.shell.JobFields.NONE;
import static dev.otto.shell.JobFields.chars;
import static dev.otto.shell.JobFields.jobJson;
import static dev.otto.shell.JobFields.noSuchJob;
import static dev.otto.shell.JobFields.parseId;
import static dev.otto.shell.JobFields.parseModel;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.otto.api.job.Job;
import dev.otto.api.job.JobDraft;
import dev.otto.api.job.JobRepository;
import dev.otto.api.job.JobScheduler;
import dev.otto.api.job.NoSuchJobException;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.support.text.TerminalSafe;

/**
 * {@code otto:job-edit <id>}: changes a job's schedule, flow, prompt, model or name, or enables or
 * disables it, with the checks of {@code otto:job-add} (the scheduler's own schedule parser, the
 * {@link InputBounds}); nothing is stored when one fails. The running scheduler is told at once
 * ({@link JobScheduler#reschedule}) and the command prints when the job next runs. A prompt is
 * shown as its length, never its text.
 */
@Component(service = JobEditCommands.class, immediate = true, property = {
        "osgi.command.scope=otto",
        "osgi.command.function=jobedit" })
@Descriptor("Otto jobs: change a job's schedule, flow, prompt, model or name, enable or disable it")
public final class JobEditCommands {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile JobRepository repository;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile JobScheduler scheduler;

    private CommandAliases aliases;

    public JobEditCommands() {
    }

    JobEditCommands(JobRepository repository, JobScheduler scheduler) {
        this.repository = repository;
        this.scheduler = scheduler;
    }

    /** Immediate, so the hyphenated alias exists before the command was called. */
    @Activate
    void activate(BundleContext context) {
        aliases = new CommandAliases(context, this, Map.of("job-edit", "jobedit"));
    }

    @Deactivate
    void deactivate() {
        aliases.close();
    }

    @Descriptor("Change a job; only the fields given change. Example: otto:job-edit --schedule PT30M --enable 3")
    public String jobedit(
            @Descriptor("when it runs: an ISO-8601 interval (PT15M, P1D; 1 s to 366 days) or five cron fields,"
                    + " e.g. '0 3 * * *' (quote it); a schedule that can never fire is refused")
            @Parameter(names = { "-s", "--schedule" }, absentValue = "") String schedule,
            @Descriptor("the flow its runs belong to: interactiveAssistant, scheduledTasks, heartbeat, watchdogFailures")
            @Parameter(names = { "-f", "--flow" }, absentValue = "") String flow,
            @Descriptor("the new prompt (quote it), at most 256 KiB")
            @Parameter(names = { "-p", "--prompt" }, absentValue = "") String prompt,
            @Descriptor("read the new prompt from this UTF-8 file (at most 256 KiB)")
            @Parameter(names = "--prompt-file", absentValue = "") String promptFile,
            @Descriptor("the job's own model, provider/model, or none for the defaults")
            @Parameter(names = { "-m", "--model" }, absentValue = "") String model,
            @Descriptor("a new short name, one line, at most 100 characters")
            @Parameter(names = { "-n", "--name" }, absentValue = "") String name,
            @Descriptor("let the scheduler run it")
            @Parameter(names = "--enable", presentValue = "true", absentValue = "false") boolean enable,
            @Descriptor("keep it, with its run history, but do not run it on schedule ('otto:job-run' still can)")
            @Parameter(names = "--disable", presentValue = "true", absentValue = "false") boolean disable,
            @Descriptor("print the job as JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the job id, as otto:jobs lists it") String id) {
        long jobId = parseId(id);
        if (enable && disable) {
            throw new IllegalArgumentException("give --enable or --disable, not both");
        }
        if (schedule.isEmpty() && flow.isEmpty() && prompt.isEmpty() && promptFile.isEmpty() && model.isEmpty()
                && name.isEmpty() && !enable && !disable) {
            throw new IllegalArgumentException("nothing to change: give --schedule, --flow, --prompt, --prompt-file,"
                    + " --model, --name, --enable or --disable");
        }
        JobRepository jobs = repository;
        if (jobs == null) {
            throw new IllegalStateException(JobFields.NO_DATABASE);
        }
        Job job = jobs.get(jobId).orElseThrow(() -> noSuchJob(jobId));
        JobDraft was = job.toDraft();
        JobDraft draft = new JobDraft(name.isEmpty() ? was.name() : InputBounds.name(name),
                flow.isEmpty() ? was.flow() : Flow.fromWire(flow),
                schedule.isEmpty() ? was.schedule() : schedule.strip(),
                prompt.isEmpty() && promptFile.isEmpty() ? was.prompt() : JobFields.promptText(prompt, promptFile),
                enable || (!disable && was.enabled()),
                model.isEmpty() ? was.modelRef() : model.equals(NONE) ? null : parseModel(model),
                was.sops(), was.preRunHook(), was.postRunHook());
        Map<String, String[]> changes = changes(was, draft);
        if (changes.isEmpty()) {
            return json ? Json.write(result(job, changes, null))
                    : TerminalSafe.line("Job " + job.id() + " " + job.name() + " already has these values: nothing changed.");
        }
        if (!draft.schedule().equals(was.schedule()) || (draft.enabled() && !was.enabled())) {
            // a new schedule, or an old one about to run again, is checked by the scheduler's own parser
            JobFields.checkSchedule(scheduler, draft.schedule());
        }
        Job updated;
        try {
            updated = jobs.update(jobId, draft);
        } catch (NoSuchJobException e) {
            throw noSuchJob(jobId);
        }
        String next = reschedule(scheduler, updated);
        if (json) {
            return Json.write(result(updated, changes, next));
        }
        TextTable table = new TextTable("FIELD", "BEFORE", "AFTER");
        changes.forEach((field, values) -> table.row(field, values[0], values[1]));
        return TerminalSafe.line("Changed job " + updated.id() + " " + updated.name() + ". " + next) + System.lineSeparator()
                + table;
    }

    /** The fields that differ, each with its old and new value as shown (a prompt as its length). */
    private static Map<String, String[]> changes(JobDraft was, JobDraft now) {
        Map<String, String[]> changes = new LinkedHashMap<>();
        change(changes, "name", was.name(), now.name());
        change(changes, "flow", was.flow().wireName(), now.flow().wireName());
        change(changes, "schedule", was.schedule(), now.schedule());
        change(changes, "enabled", was.enabled() ? "yes" : "no", now.enabled() ? "yes" : "no");
        change(changes, "model", modelText(was.modelRef()), modelText(now.modelRef()));
        if (!was.prompt().equals(now.prompt())) {
            changes.put("prompt", new String[] { chars(was.prompt()), chars(now.prompt()) });
        }
        return changes;
    }

    private static void change(Map<String, String[]> changes, String field, String was, String now) {
        if (!Objects.equals(was, now)) {
            changes.put(field, new String[] { was, now });
        }
    }

    private static String modelText(ModelRef ref) {
        return ref == null ? JobFields.DEFAULTS : ref.toString();
    }

    private static Map<String, Object> result(Job job, Map<String, String[]> changes, String next) {
        Map<String, Object> out = jobJson(job, false);
        Map<String, Object> changed = new LinkedHashMap<>();
        changes.forEach((field, values) -> {
            Map<String, String> pair = new LinkedHashMap<>();
            pair.put("before", values[0]);
            pair.put("after", values[1]);
            changed.put(field, pair);
        });
        out.put("changed", changed);
        out.put("next_run", nextRunJson(next));
        return out;
    }

    /**
     * Tells the scheduler a job changed, so it looks for due jobs at once, and says when the job
     * next runs: "Next run at ...", "Disabled: ...", or why the scheduler cannot say.
     */
    static String reschedule(JobScheduler scheduler, Job job) {
        if (scheduler == null) {
            return "The scheduler is not running: it reads the job when it starts.";
        }
        Optional<Instant> next;
        try {
            next = scheduler.reschedule(job.id());
        } catch (RuntimeException e) {
            // stored already; the next tick reads it anyway
            return "The scheduler reads the change at its next tick.";
        }
        if (!job.enabled()) {
            return "Disabled: the scheduler does not run it ('otto:job-edit " + job.id() + " --enable' does).";
        }
        return next.map(at -> "Next run at " + at + ".").orElse("Not scheduled: its schedule is not valid.");
    }

    /** The time of a {@link #reschedule} line, for JSON; null when there is none. */
    static String nextRunJson(String line) {
        if (line == null || !line.startsWith("Next run at ")) {
            return null;
        }
        return line.substring("Next run at ".length(), line.length() - 1);
    }
}
