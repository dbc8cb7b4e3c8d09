package dev.otto.shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
import dev.otto.api.job.NoSuchJobException;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;

/**
 * {@code otto:jobs}, {@code otto:job}, {@code otto:job-add}, {@code otto:job-model} and
 * {@code otto:job-rm}: the stored jobs and their model overrides. Listings show a prompt's length,
 * never its text (prompts can be long or sensitive); {@code otto:job <id>} shows it in full.
 */
@Component(service = JobCommands.class, immediate = true, property = {
        "osgi.command.scope=otto",
        "osgi.command.function=jobs",
        "osgi.command.function=job",
        "osgi.command.function=jobadd",
        "osgi.command.function=jobmodel",
        "osgi.command.function=jobrm" })
@Descriptor("Otto jobs: list, show, add, set the model of and remove scheduled jobs")
public final class JobCommands {

    private static final String NONE = "none";
    private static final String DEFAULTS = "(defaults)";
    private static final String FLOWS = Arrays.stream(Flow.values()).map(Flow::wireName).collect(Collectors.joining(", "));

    // dynamic and optional: the shell stays up while the persistence bundle is stopped or refused its database
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile JobRepository repository;

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

    /** Immediate, so the hyphenated aliases exist before any job command was called. */
    @Activate
    void activate(BundleContext context) {
        aliases = new CommandAliases(context, this,
                Map.of("job-add", "jobadd", "job-model", "jobmodel", "job-rm", "jobrm"));
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
        table.row("created", job.createdAt() + " (" + Durations.ago(Duration.between(job.createdAt(), now)) + ")");
        table.row("updated", job.updatedAt() + " (" + Durations.ago(Duration.between(job.updatedAt(), now)) + ")");
        table.row("prompt", chars(job.prompt()) + ":");
        return table + job.prompt() + System.lineSeparator();
    }

    @Descriptor("Add a job. Example: otto:job-add --name nightly-digest --flow scheduledTasks --schedule '0 3 * * *'"
            + " --prompt 'Summarize the failures of the day.' --model openai/gpt-5.2")
    public String jobadd(
            @Descriptor("a short name, one line, e.g. nightly-digest")
            @Parameter(names = { "-n", "--name" }, absentValue = "") String name,
            @Descriptor("the flow its runs belong to: interactiveAssistant, scheduledTasks, heartbeat, watchdogFailures")
            @Parameter(names = { "-f", "--flow" }, absentValue = "") String flow,
            @Descriptor("when it runs, in the scheduler's syntax, e.g. '0 3 * * *' (quote it)")
            @Parameter(names = { "-s", "--schedule" }, absentValue = "") String schedule,
            @Descriptor("what it asks the model (quote it; single quotes keep $ and \\ as they are)")
            @Parameter(names = { "-p", "--prompt" }, absentValue = "") String prompt,
            @Descriptor("read the prompt from this UTF-8 file instead of --prompt")
            @Parameter(names = "--prompt-file", absentValue = "") String promptFile,
            @Descriptor("the job's own model, provider/model, e.g. openai/gpt-5.2 (default: none, use the flow default)")
            @Parameter(names = { "-m", "--model" }, absentValue = "") String model,
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
        String text = promptText(prompt, promptFile);
        ModelRef modelRef = model.isEmpty() || model.equals(NONE) ? null : ModelRef.parse(model);
        JobDraft draft = new JobDraft(name, parseFlow(flow), schedule, text, !disabled, modelRef);
        Job job = service().create(draft);
        if (json) {
            return Json.write(jobJson(job, false));
        }
        return "Added job " + job.id() + " " + job.name() + ": " + job.flow().wireName() + ", '" + job.schedule() + "', "
                + (job.enabled() ? "enabled" : "disabled") + ", model "
                + job.modelOverride().map(ModelRef::toString).orElse(DEFAULTS) + ", prompt " + chars(job.prompt()) + ".";
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
        return "Job " + job.id() + " " + job.name() + " now uses " + job.modelOverride().map(ModelRef::toString)
                .orElse("the defaults: the " + job.flow().wireName() + " flow default, then the OpenCode global default") + ".";
    }

    @Descriptor("Remove a job; its id is never given to another job")
    public String jobrm(
            @Descriptor("print JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the job id, as otto:jobs lists it") String id) {
        long jobId = parseId(id);
        JobRepository jobs = service();
        Job job = existing(jobId);
        if (!jobs.delete(jobId)) {
            throw noSuchJob(jobId);
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", jobId);
            out.put("name", job.name());
            out.put("removed", true);
            return Json.write(out);
        }
        return "Removed job " + jobId + " " + job.name() + ".";
    }

    private JobRepository service() {
        JobRepository current = repository;
        if (current == null) {
            throw new IllegalStateException("the job database is not available: the persistence bundle"
                    + " (dev.otto.persistence) is stopped or refused its database; 'otto:status' shows why");
        }
        return current;
    }

    private Job existing(long id) {
        return service().get(id).orElseThrow(() -> noSuchJob(id));
    }

    private static IllegalArgumentException noSuchJob(long id) {
        return new IllegalArgumentException("no job with id " + id + ": 'otto:jobs' lists the existing ids");
    }

    private static long parseId(String text) {
        try {
            long id = Long.parseLong(text.strip());
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new IllegalArgumentException("job id \"" + text + "\" is not a job id (a positive number):"
                + " 'otto:jobs' lists the existing ids");
    }

    private static Flow parseFlow(String flow) {
        return Flow.fromWire(flow);
    }

    private static ModelRef parseModel(String model) {
        try {
            return ModelRef.parse(model);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + ", or none for the defaults", e);
        }
    }

    private static String promptText(String prompt, String promptFile) {
        if (!prompt.isEmpty() && !promptFile.isEmpty()) {
            throw new IllegalArgumentException("give either --prompt or --prompt-file, not both");
        }
        if (promptFile.isEmpty()) {
            if (prompt.isEmpty()) {
                throw new IllegalArgumentException("missing --prompt: the text the job sends to the model"
                        + " (or --prompt-file <file>)");
            }
            return prompt;
        }
        Path file = Path.of(promptFile).toAbsolutePath().normalize();
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("cannot read the prompt file " + file + ": it does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the prompt file " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    private static String chars(String text) {
        return text.length() + (text.length() == 1 ? " char" : " chars");
    }

    private static Map<String, Object> jobJson(Job job, boolean withPrompt) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", job.id());
        json.put("name", job.name());
        json.put("flow", job.flow().wireName());
        json.put("schedule", job.schedule());
        json.put("enabled", job.enabled());
        json.put("model_ref", job.modelOverride().map(ModelRef::toString).orElse(null));
        json.put("prompt_chars", job.prompt().length());
        if (withPrompt) {
            json.put("prompt", job.prompt());
        }
        json.put("created_at", job.createdAt().toString());
        json.put("updated_at", job.updatedAt().toString());
        return json;
    }
}
