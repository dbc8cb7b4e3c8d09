package dev.otto.shell;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.otto.api.job.Job;
import dev.otto.api.job.JobScheduler;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.tools.HookCommand;
import dev.otto.support.text.TerminalSafe;

/**
 * What the job commands share: parsing ids, flows, models and schedules as an operator types them,
 * and showing a job (its prompt as a length, a hook as its program and number of arguments).
 */
final class JobFields {

    static final String NONE = "none";
    static final String DEFAULTS = "(defaults)";
    static final String FLOWS = Arrays.stream(Flow.values()).map(Flow::wireName).collect(Collectors.joining(", "));
    static final String NO_DATABASE = "the job database is not available: the persistence bundle"
            + " (dev.otto.persistence) is stopped or refused its database; 'otto:status' shows why";
    static final String NO_SCHEDULER = "the scheduler is not available: the dev.otto.scheduler bundle is stopped"
            + " or waits for the job database or the router; 'otto:status' shows why";

    private JobFields() {
    }

    static IllegalArgumentException noSuchJob(long id) {
        return new IllegalArgumentException("no job with id " + id + ": 'otto:jobs' lists the existing ids");
    }

    static long parseId(String text) {
        try {
            long id = Long.parseLong(text.strip());
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new IllegalArgumentException("job id \"" + TerminalSafe.line(text) + "\" is not a job id (a positive number):"
                + " 'otto:jobs' lists the existing ids");
    }

    static ModelRef parseModel(String model) {
        try {
            return ModelRef.parse(model);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + ", or none for the defaults", e);
        }
    }

    /**
     * Checks a schedule with the scheduler's own parser, the one its ticks use.
     *
     * @param scheduler the scheduler, or null when it is not running
     * @return when a job with it, stored now, is first due
     * @throws IllegalArgumentException why it can never fire; IllegalStateException without a scheduler
     */
    static Instant checkSchedule(JobScheduler scheduler, String schedule) {
        if (scheduler == null) {
            throw new IllegalStateException("cannot check the schedule: " + NO_SCHEDULER);
        }
        return scheduler.checkSchedule(schedule);
    }

    /** A hook as an operator may see it: the program and how many arguments, never the arguments. */
    static String hook(HookCommand hook) {
        if (hook == null) {
            return "(none)";
        }
        int args = hook.argv().size() - 1;
        return hook.program() + " (" + args + (args == 1 ? " argument" : " arguments") + ", timeout "
                + (hook.timeout() == null ? "default" : Durations.format(hook.timeout())) + ")";
    }

    static String chars(String text) {
        return text.length() + (text.length() == 1 ? " char" : " chars");
    }

    static String model(Job job) {
        return job.modelOverride().map(ModelRef::toString).orElse(DEFAULTS);
    }

    static Map<String, Object> jobJson(Job job, boolean withPrompt) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", job.id());
        json.put("name", job.name());
        json.put("flow", job.flow().wireName());
        json.put("schedule", job.schedule());
        json.put("enabled", job.enabled());
        json.put("model_ref", job.modelOverride().map(ModelRef::toString).orElse(null));
        json.put("prompt_chars", job.prompt().length());
        json.put("sops", job.sops());
        json.put("pre_run_hook", hookJson(job.preRunHook()));
        json.put("post_run_hook", hookJson(job.postRunHook()));
        if (withPrompt) {
            json.put("prompt", job.prompt());
        }
        json.put("created_at", job.createdAt().toString());
        json.put("updated_at", job.updatedAt().toString());
        return json;
    }

    private static Map<String, Object> hookJson(HookCommand hook) {
        if (hook == null) {
            return null;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("program", hook.program());
        json.put("arguments", hook.argv().size() - 1);
        json.put("timeout_ms", hook.timeout() == null ? null : hook.timeout().toMillis());
        return json;
    }

    static String promptText(String prompt, String promptFile) {
        if (!prompt.isEmpty() && !promptFile.isEmpty()) {
            throw new IllegalArgumentException("give either --prompt or --prompt-file, not both");
        }
        if (promptFile.isEmpty()) {
            if (prompt.isEmpty()) {
                throw new IllegalArgumentException("missing --prompt: the text the job sends to the model"
                        + " (or --prompt-file <file>)");
            }
            return InputBounds.prompt(prompt, "--prompt");
        }
        return InputBounds.promptFile(promptFile);
    }

    /** Comma-separated SOP names; each checked, repeats refused. */
    static List<String> parseSops(String text) {
        if (text.isBlank()) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (String name : text.split(",")) {
            String trimmed = name.strip();
            if (trimmed.endsWith(".md")) {
                trimmed = trimmed.substring(0, trimmed.length() - 3);
            }
            names.add(trimmed);
        }
        return names; // JobDraft checks each name and refuses repeats
    }

    /** A command split at whitespace, with its own timeout or the default; empty text is no hook. */
    static HookCommand parseHook(String text, String timeout) {
        if (text.isBlank()) {
            return null;
        }
        Duration limit = null;
        if (timeout != null && !timeout.isEmpty()) {
            try {
                limit = Duration.parse(timeout);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--timeout " + timeout + " is not an ISO-8601 duration: e.g. PT30S");
            }
        }
        return new HookCommand(List.of(text.strip().split("\\s+")), limit);
    }
}
