package dev.otto.scheduler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.otto.api.job.Job;
import dev.otto.api.job.JobRun;
import dev.otto.api.job.JobRunEnd;
import dev.otto.api.tools.HookCommand;
import dev.otto.api.tools.HookPhase;
import dev.otto.api.tools.HookResult;
import dev.otto.api.tools.HookRunner;
import dev.otto.api.tools.SopLibrary;

/**
 * What happens around a job's model run: its SOPs added before the prompt, its pre-run hook (a
 * failure skips the run) and its post-run hook (a failure is noted, the outcome stays). The tools
 * bundle may be stopped: a job that names SOPs then runs with its own prompt and one warning, a job
 * with a pre-run hook is skipped (its check cannot be made), a post-run hook is noted as not run.
 */
final class JobTools {

    /** Without the tools bundle. */
    static final JobTools NONE = new JobTools(() -> null, () -> null, message -> { });

    private final Supplier<SopLibrary> sops;
    private final Supplier<HookRunner> hooks;
    private final Consumer<String> warn;
    private final Set<Long> warnedNoLibrary = ConcurrentHashMap.newKeySet();

    JobTools(Supplier<SopLibrary> sops, Supplier<HookRunner> hooks, Consumer<String> warn) {
        this.sops = Objects.requireNonNull(sops);
        this.hooks = Objects.requireNonNull(hooks);
        this.warn = Objects.requireNonNull(warn);
    }

    /** The prompt the router gets: the job's SOPs (those that exist) followed by its prompt. */
    String prompt(Job job) {
        if (job.sops().isEmpty()) {
            return job.prompt();
        }
        SopLibrary library = sops.get();
        if (library == null) {
            if (warnedNoLibrary.add(job.id())) {
                warn.accept("job " + job.id() + " names SOPs " + job.sops() + " but no SOP library is active"
                        + " (start the dev.otto.tools bundle): it runs with its own prompt only");
            }
            return job.prompt();
        }
        warnedNoLibrary.remove(job.id());
        try {
            return library.applyTo(job.prompt(), job.sops());
        } catch (RuntimeException e) {
            // a library that fails must not cost the job its run: the job's own prompt still goes
            warn.accept("job " + job.id() + ": its SOPs could not be read (" + e.getClass().getSimpleName()
                    + "): it runs with its own prompt only");
            return job.prompt();
        }
    }

    /**
     * Runs the pre-run hook, if the job has one.
     *
     * @return the skip note when the run must not go ahead
     */
    Optional<String> beforeRun(Job job, JobRun run) {
        HookCommand hook = job.preRunHook();
        if (hook == null) {
            return Optional.empty();
        }
        HookRunner runner = hooks.get();
        if (runner == null) {
            return Optional.of("skipped: pre-run hook " + hook.program() + " could not run, no hook runner is active"
                    + " (start the dev.otto.tools bundle)");
        }
        try {
            return runner.run(HookPhase.PRE_RUN, hook, variables(job, run, null)).skipReason();
        } catch (RuntimeException e) {
            // the runner promises a result for anything the hook does; this is the runner's own failure
            return Optional.of("skipped: pre-run hook " + hook.program() + " could not run ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Runs the post-run hook, if the job has one, with the run's outcome.
     *
     * @return the end, with a note when the hook did not succeed
     */
    JobRunEnd afterRun(Job job, JobRun run, JobRunEnd end) {
        HookCommand hook = job.postRunHook();
        if (hook == null) {
            return end;
        }
        HookRunner runner = hooks.get();
        if (runner == null) {
            return end.withNote("post-run hook " + hook.program() + " not run: no hook runner is active");
        }
        HookResult result;
        try {
            result = runner.run(HookPhase.POST_RUN, hook, variables(job, run, end));
        } catch (RuntimeException e) {
            return end.withNote("post-run hook " + hook.program() + " could not run (" + e.getClass().getSimpleName() + ")");
        }
        return result.succeeded() ? end : end.withNote(result.reason());
    }

    /** Ids, names and outcomes only: never the prompt or the answer. */
    private static Map<String, String> variables(Job job, JobRun run, JobRunEnd end) {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("OTTO_JOB_ID", String.valueOf(job.id()));
        variables.put("OTTO_JOB_NAME", job.name());
        variables.put("OTTO_JOB_FLOW", job.flow().wireName());
        variables.put("OTTO_RUN_ID", String.valueOf(run.id()));
        variables.put("OTTO_RUN_TRIGGER", run.trigger().wireName());
        if (end != null) {
            variables.put("OTTO_RUN_OUTCOME", end.outcome().wireName());
            variables.put("OTTO_RUN_FINAL_MODEL", end.finalModel() == null ? "" : end.finalModel().toString());
        }
        return variables;
    }
}
