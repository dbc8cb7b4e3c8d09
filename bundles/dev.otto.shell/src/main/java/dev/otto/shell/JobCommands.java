package dev.otto.shell;

import static dev.otto.shell.JobFields.DEFAULTS;
import static dev.otto.shell.JobFields.FLOWS;
import static dev.otto.shell.JobFields.NONE;
import static dev.otto.shell.JobFields.chars;
import static dev.otto.shell.JobFields.hook;
import static dev.otto.shell.JobFields.jobJson;
import static dev.otto.shell.JobFields.noSuchJob;
import static dev.otto.shell.JobFields.parseId;
import static dev.otto.shell.JobFields.parseHook;
import static dev.otto.shell.JobFields.parseModel;
import static dev.otto.shell.JobFields.parseSops;
import static dev.otto.shell.JobFields.promptText;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

import dev.otto.api.job.Job;
import dev.otto.api.job.JobDraft;
import dev.otto.api.job.JobRepository;
import dev.otto.api.job.JobRun;
import dev.otto.api.job.JobRunRepository;
import dev.otto.api.job.JobScheduler;
import dev.otto.api.job.NoSuchJobException;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.tools.HookCommand;
import dev.otto.support.text.TerminalSafe;

/**
 * {@code otto:jobs}, {@code otto:job}, {@code otto:job-add}, {@code otto:job-model},
 * {@code otto:job-sops}, {@code otto:job-hook} and {@code otto:job-rm}: the stored jobs, their model
 * overrides, SOPs and hooks ({@code otto:job-edit} is {@link JobEditCommands}). Listings show a
 * prompt's length, never its text (prompts can be long or sensitive); {@code otto:job <id>} shows it
 * in full, escaped ({@link TerminalSafe}). A hook is shown as its program and number of arguments:
 * arguments may hold secrets. {@code otto:job-add} checks the schedule with the scheduler's own
 * parser and the name and prompt against {@link InputBounds} before anything is stored;
 * {@code otto:job-rm} refuses to delete a job's run history unless {@code --purge} says so.
 */
@Component(service = JobCommands.class, immediate = true, property = {
        "osgi.command.scope=otto",
        "osgi.command.function=jobs",
        "osgi.command.function=job",
        "osgi.command.function=jobadd",
        "osgi.command.function=jobmodel",
        "osgi.command.function=jobsops",
        "osgi.command.function=jobhook",
        "osgi.command.function=jobrm" })
@Descriptor("Otto jobs: list, show, add, set the model, SOPs and hooks of, and remove scheduled jobs")
public final class JobCommands {

    // dynamic and optional: the shell stays up while the persistence bundle is stopped or refused its database
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile JobRepository repository;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile JobRunRepository runRepository;

    // optional: without it nothing can check a schedule, so job-add refuses, the other commands work
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile JobScheduler scheduler;

    /** How many of a job's latest runs {@code otto:job} shows. */
    static final int RECENT_RUNS = 5;

    private final Clock clock;
    private CommandAliases aliases;

    public JobCommands() {
        this(Clock.systemUTC());
    }

    JobCommands(Clock clock) {
        this.clock = clock;
    }

    JobCommands(JobRepository repository, Clock clock) {
        this(clock);
        this.repository = repository;
    }

    JobCommands(JobRepository repository, JobRunRepository runRepository, Clock clock) {
        this(repository, clock);
        this.runRepository = runRepository;
    }

    JobCommands(JobRepository repository, JobRunRepository runRepository, JobScheduler scheduler, Clock clock) {
        this(repository, runRepository, clock);
        this.scheduler = scheduler;
    }

    /** Immediate, so the hyphenated aliases exist before any job command was called. */
    @Activate
    void activate(BundleContext context) {
        aliases = new CommandAliases(context, this,
                Map.of("job-add", "jobadd", "job-model", "jobmodel", "job-sops", "jobsops", "job-hook", "jobhook",
                        "job-rm", "jobrm"));
    }

    @Deactivate
    void deactivate() {
        aliases.close();
    }

    @Descriptor("List the jobs: id, name, flow, schedule, enabled, model override, prompt length (never its text), last change")
    public String jobs(
            @Descriptor("only the jobs of this flow: " + "interactiveAssistant, scheduledTasks, heartbeat, watchdogFailures")
            @Parameter(names = { "-f", "--flow" }, absentValue = "") String flow,
            @Descriptor("print JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json) {
        Flow only = flow.isEmpty() ? null : parseFlow(flow);
        JobRepository jobs = service();
        List<Job> list = only == null ? jobs.list() : jobs.list(only);
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Job job : list) {
                rows.add(jobJson(job, false));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("flow", only == null ? null : only.wireName());
            out.put("jobs", rows);
            return Json.write(out);
        }
        if (list.isEmpty()) {
            return (only == null ? "No jobs." : "No jobs in flow " + only.wireName() + ".") + " 'otto:job-add' adds one.";
        }
        TextTable table = new TextTable("ID", "NAME", "FLOW", "SCHEDULE", "ENABLED", "MODEL", "PROMPT", "UPDATED");
        Instant now = clock.instant();
        for (Job job : list) {
            table.row(job.id(), job.name(), job.flow().wireName(), job.schedule(), job.enabled() ? "yes" : "no",
                    job.modelOverride().map(ModelRef::toString).orElse(DEFAULTS), chars(job.prompt()),
                    Durations.ago(Duration.between(job.updatedAt(), now)));
        }
        return table.toString();
    }

    @Descriptor("Show one job in full, including its prompt")
    public String job(
            @Descriptor("print JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the job id, as otto:jobs lists it") String id) {
        Job job = existing(parseId(id));
        if (json) {
            return Json.write(jobJson(job, true));
        }
        Instant now = clock.instant();
        TextTable table = new TextTable("JOB", String.valueOf(job.id()));
        table.row("name", job.name());
        table.row("flow", job.flow().wireName());
        table.row("schedule", job.schedule());
        table.row("enabled", job.enabled() ? "yes" : "no");
        table.row("model", job.modelOverride().map(ref -> ref + " (job override)")
                .orElse("(none: the " + job.flow().wireName() + " flow default, then the OpenCode global default)"));
        table.row("sops", job.sops().isEmpty() ? "(none)" : String.join(", ", job.sops()) + " (added before the prompt)");
        table.row("pre-run hook", hook(job.preRunHook()));
        table.row("post-run hook", hook(job.postRunHook()));
        table.row("created", job.createdAt() + " (" + Durations.ago(Duration.between(job.createdAt(), now)) + ")");
        table.row("updated", job.updatedAt() + " (" + Durations.ago(Duration.between(job.updatedAt(), now)) + ")");
        table.row("prompt", chars(job.prompt()) + ":");
        // escaped line by line: the layout of a long prompt stays, no escape sequence reaches the terminal
        String prompt = job.prompt().lines().map(TerminalSafe::line).collect(Collectors.joining(System.lineSeparator()));
        return table + prompt + System.lineSeparator() + recentRuns(job.id(), now);
    }

    /** The job's latest runs, newest first, or a line saying why there are none to show. */
    private String recentRuns(long jobId, Instant now) {
        JobRunRepository runs = runRepository;
        if (runs == null) {
            return "";
        }
        List<JobRun> latest = runs.runsOf(jobId, RECENT_RUNS);
        if (latest.isEmpty()) {
            return System.lineSeparator() + "No runs yet; 'otto:job-run " + jobId + "' runs it now." + System.lineSeparator();
        }
        TextTable table = new TextTable("RUN", "TRIGGER", "STARTED", "OUTCOME", "MODEL", "ATTEMPTS", "NOTE");
        for (JobRun run : latest) {
            table.row(run.id(), run.trigger().wireName(), Durations.ago(Duration.between(run.startedAt(), now)),
                    run.outcome().wireName(), run.finalModel() == null ? "-" : run.finalModel().toString(),
                    run.attempts(), run.note() == null ? "" : run.note());
        }
        return System.lineSeparator() + "Latest runs:" + System.lineSeparator() + table;
    }

    @Descriptor("Add a job. Example: otto:job-add --name nightly-digest --flow scheduledTasks --schedule '0 3 * * *'"
            + " --prompt 'Summarize the failures of the day.' --model openai/gpt-5.2")
    public String jobadd(
            @Descriptor("a short name, one line, e.g. nightly-digest")
            @Parameter(names = { "-n", "--name" }, absentValue = "") String name,
            @Descriptor("the flow its runs belong to: interactiveAssistant, scheduledTasks, heartbeat, watchdogFailures")
            @Parameter(names = { "-f", "--flow" }, absentValue = "") String flow,
            @Descriptor("when it runs: an ISO-8601 interval (PT15M, P1D; 1 s to 366 days) or five cron fields, e.g."
                    + " '0 3 * * *' (quote it); a schedule that can never fire is refused")
            @Parameter(names = { "-s", "--schedule" }, absentValue = "") String schedule,
            @Descriptor("what it asks the model, at most 256 KiB (quote it; single quotes keep $ and \\ as they are)")
            @Parameter(names = { "-p", "--prompt" }, absentValue = "") String prompt,
            @Descriptor("read the prompt from this UTF-8 file instead of --prompt (at most 256 KiB)")
            @Parameter(names = "--prompt-file", absentValue = "") String promptFile,
            @Descriptor("the job's own model, provider/model, e.g. openai/gpt-5.2 (default: none, use the flow default)")
            @Parameter(names = { "-m", "--model" }, absentValue = "") String model,
            @Descriptor("SOPs whose text goes before the prompt, comma-separated, e.g. python-env,search (otto:sop lists them)")
            @Parameter(names = "--sops", absentValue = "") String sops,
            @Descriptor("a command run before each run, e.g. 'scripts/check.sh --quick' (split at spaces, no shell);"
                    + " when it fails the run is skipped")
            @Parameter(names = "--pre-run", absentValue = "") String preRun,
            @Descriptor("a command run after each run that was not skipped, e.g. 'scripts/notify.sh'")
            @Parameter(names = "--post-run", absentValue = "") String postRun,
            @Descriptor("add it disabled: the scheduler does not run it until it is enabled")
            @Parameter(names = "--disabled", presentValue = "true", absentValue = "false") boolean disabled,
            @Descriptor("print the added job as JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("missing --name: give the job a short name, e.g. --name nightly-digest");
        }
        if (flow.isEmpty()) {
            throw new IllegalArgumentException("missing --flow: one of " + FLOWS);
        }
        if (schedule.isEmpty()) {
            throw new IllegalArgumentException("missing --schedule: when the job runs, e.g. --schedule '0 3 * * *'");
        }
        String jobName = InputBounds.name(name);
        Flow jobFlow = parseFlow(flow);
        String text = promptText(prompt, promptFile);
        ModelRef modelRef = model.isEmpty() || model.equals(NONE) ? null : ModelRef.parse(model);
        JobDraft draft = new JobDraft(jobName, jobFlow, schedule.strip(), text, !disabled, modelRef, parseSops(sops),
                parseHook(preRun, null), parseHook(postRun, null));
        JobRepository jobs = service();
        JobFields.checkSchedule(scheduler, draft.schedule()); // nothing the scheduler would refuse is stored
        Job job = jobs.create(draft);
        String next = JobEditCommands.reschedule(scheduler, job);
        if (json) {
            Map<String, Object> out = jobJson(job, false);
            out.put("next_run", JobEditCommands.nextRunJson(next));
            return Json.write(out);
        }
        return TerminalSafe.line("Added job " + job.id() + " " + job.name() + ": " + job.flow().wireName() + ", '"
                + job.schedule() + "', " + (job.enabled() ? "enabled" : "disabled") + ", model "
                + job.modelOverride().map(ModelRef::toString).orElse(DEFAULTS) + ", prompt " + chars(job.prompt())
                + (job.sops().isEmpty() ? "" : ", SOPs " + String.join(", ", job.sops()))
                + (job.preRunHook() == null ? "" : ", pre-run hook " + hook(job.preRunHook()))
                + (job.postRunHook() == null ? "" : ", post-run hook " + hook(job.postRunHook())) + ". " + next);
    }

    @Descriptor("Set the SOPs whose text goes before a job's prompt, or 'none'. Example: otto:job-sops 3 python-env,search")
    public String jobsops(
            @Descriptor("print the job as JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the job id, as otto:jobs lists it") String id,
            @Descriptor("SOP names, comma-separated, or none") String sops) {
        Job job = existing(parseId(id));
        Job updated = update(job, job.toDraft().withSops(sops.equals(NONE) ? List.of() : parseSops(sops)));
        if (json) {
            return Json.write(jobJson(updated, false));
        }
        return TerminalSafe.line("Job " + updated.id() + " " + updated.name() + (updated.sops().isEmpty() ? " names no SOPs."
                : " adds SOPs " + String.join(", ", updated.sops()) + " before its prompt"
                        + " (a missing one is skipped with a warning)."));
    }

    @Descriptor("Set a job's pre-run or post-run hook, or 'none'. Example: otto:job-hook --timeout PT30S 3 pre-run"
            + " 'scripts/check.sh --quick'")
    public String jobhook(
            @Descriptor("print the job as JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("how long the hook may run, ISO-8601, e.g. PT30S (default: the tools bundle's hookTimeout)")
            @Parameter(names = { "-t", "--timeout" }, absentValue = "") String timeout,
            @Descriptor("the job id, as otto:jobs lists it") String id,
            @Descriptor("pre-run (a failure skips the run) or post-run (runs after every run that was not skipped)")
            String phase,
            @Descriptor("the command, split at spaces and run without a shell, e.g. 'scripts/check.sh --quick'; or none")
            String command) {
        Job job = existing(parseId(id));
        HookCommand hook = command.equals(NONE) ? null : parseHook(command, timeout);
        if (hook == null && !timeout.isEmpty()) {
            throw new IllegalArgumentException("--timeout needs a command: 'none' removes the hook");
        }
        JobDraft draft = job.toDraft();
        switch (phase) {
            case "pre-run":
                draft = draft.withHooks(hook, job.postRunHook());
                break;
            case "post-run":
                draft = draft.withHooks(job.preRunHook(), hook);
                break;
            default:
                throw new IllegalArgumentException("hook phase \"" + phase + "\" is not known: pre-run or post-run");
        }
        Job updated = update(job, draft);
        if (json) {
            return Json.write(jobJson(updated, false));
        }
        return TerminalSafe.line("Job " + updated.id() + " " + updated.name() + " " + phase + " hook: " + hook(hook) + ".");
    }

    private Job update(Job job, JobDraft draft) {
        try {
            return service().update(job.id(), draft);
        } catch (NoSuchJobException e) {
            throw noSuchJob(job.id());
        }
    }

    @Descriptor("Set a job's own model, which wins over every default, or 'none' to use the defaults again")
    public String jobmodel(
            @Descriptor("print the job as JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the job id, as otto:jobs lists it") String id,
            @Descriptor("provider/model, e.g. openai/gpt-5.2, or none") String model) {
        long jobId = parseId(id);
        ModelRef modelRef = model.equals(NONE) ? null : parseModel(model);
        Job job;
        try {
            job = service().setModelRef(jobId, modelRef);
        } catch (NoSuchJobException e) {
            throw noSuchJob(jobId);
        }
        if (json) {
            return Json.write(jobJson(job, false));
        }
        return TerminalSafe.line("Job " + job.id() + " " + job.name() + " now uses " + job.modelOverride().map(ModelRef::toString)
                .orElse("the defaults: the " + job.flow().wireName() + " flow default, then the OpenCode global default") + ".");
    }

    @Descriptor("Remove a job; its id is never given to another job. A job with recorded runs is kept unless --purge"
            + " is given ('otto:job-edit <id> --disable' stops a job and keeps its history)")
    public String jobrm(
            @Descriptor("print JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("remove the job even though it has recorded runs, and delete them with it")
            @Parameter(names = "--purge", presentValue = "true", absentValue = "false") boolean purge,
            @Descriptor("the job id, as otto:jobs lists it") String id) {
        long jobId = parseId(id);
        JobRepository jobs = service();
        Job job = existing(jobId);
        boolean hadRuns = hasRuns(job);
        if (hadRuns && !purge) {
            throw new IllegalArgumentException(TerminalSafe.line("job " + jobId + " " + job.name() + " has recorded runs,"
                    + " which removing it would delete: 'otto:job-edit " + jobId + " --disable' stops it and keeps them,"
                    + " 'otto:job-rm --purge " + jobId + "' removes the job and its run history"));
        }
        if (!jobs.delete(jobId)) {
            throw noSuchJob(jobId);
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", jobId);
            out.put("name", job.name());
            out.put("removed", true);
            out.put("runs_deleted", hadRuns);
            return Json.write(out);
        }
        return TerminalSafe.line("Removed job " + jobId + " " + job.name() + (hadRuns ? " and its run history." : "."));
    }

    /** Whether the job has recorded runs; unknown (the run record is not available) counts as yes. */
    private boolean hasRuns(Job job) {
        JobRunRepository runs = runRepository;
        return runs == null || !runs.runsOf(job.id(), 1).isEmpty();
    }

    private JobRepository service() {
        JobRepository current = repository;
        if (current == null) {
            throw new IllegalStateException(JobFields.NO_DATABASE);
        }
        return current;
    }

    private Job existing(long id) {
        return service().get(id).orElseThrow(() -> noSuchJob(id));
    }

    private static Flow parseFlow(String flow) {
        return Flow.fromWire(flow);
    }
}
