package dev.otto.shell;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.Attempt;
import dev.otto.api.routing.ModelRouter;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.Resolution;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RoutingException;
import dev.otto.api.routing.RunObserver;
import dev.otto.api.routing.RunOutcome;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.RunResult;

/**
 * {@code otto:ask}: the interactive assistant's path, a prompt routed like any other run. Each step
 * to another model is printed while the run is in flight; the answer ends with one summary line,
 * and a run without an answer ends with one line of what was tried and what to do.
 */
@Component(service = AskCommands.class, immediate = true, property = {
        "osgi.command.scope=otto",
        "osgi.command.function=ask" })
@Descriptor("Ask the interactive assistant through the router")
public final class AskCommands {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ModelRouter router;

    private final Clock clock;
    /** Where progress goes: inside a Gogo command, System.out is the session's output (read per call). */
    private final Supplier<PrintStream> console;

    public AskCommands() {
        this(null, Clock.systemUTC(), () -> System.out);
    }

    AskCommands(ModelRouter router, Clock clock, Supplier<PrintStream> console) {
        this.router = router;
        this.clock = clock;
        this.console = console;
    }

    @Descriptor("Route a prompt (flow interactiveAssistant unless --flow), print each skipped model and each failed "
            + "attempt as it happens, then the answer and one line with the final model (and the model it answered "
            + "instead of), attempts, fallbacks with reasons, skipped models, time and tokens. Without an answer, "
            + "fails with one line: what was tried, why each failed, and what to do")
    public String ask(
            @Descriptor("use this model (provider/model) as a user override")
            @Parameter(names = "--model", absentValue = "") String model,
            @Descriptor("route as this flow instead of interactiveAssistant")
            @Parameter(names = "--flow", absentValue = "interactiveAssistant") String flow,
            @Descriptor("print the run as JSON instead of text, without progress lines; without an answer the JSON "
                    + "is printed and the command still fails")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("read the prompt from this UTF-8 file (at most 256 KiB) instead of the words")
            @Parameter(names = "--prompt-file", absentValue = "") String promptFile,
            @Descriptor("the prompt, at most 256 KiB; quote it or give it as several words") String... words) {
        ModelRouter current = router;
        if (current == null) {
            throw new IllegalStateException(RoutingText.ROUTER_NOT_RUNNING);
        }
        String prompt = String.join(" ", words).strip();
        if (!promptFile.isEmpty()) {
            if (!prompt.isEmpty()) {
                throw new IllegalArgumentException("give either a prompt or --prompt-file, not both");
            }
            prompt = InputBounds.promptFile(promptFile);
        }
        if (prompt.isEmpty()) {
            throw new IllegalArgumentException("give a prompt, e.g. otto:ask \"summarise the last run\"");
        }
        InputBounds.prompt(prompt, "the prompt");
        Flow runFlow = Flow.fromWire(flow);
        RunRequest forFlow = RunRequest.forFlow(runFlow, "ask-" + UUID.randomUUID(), prompt);
        RunRequest request = model.isEmpty() ? forFlow : forFlow.withUserOverride(ModelRef.parse(model));
        PrintStream out = console.get();
        RunObserver progress = json ? RunObserver.NONE : new AskProgress(out, clock);
        Instant start = clock.instant();
        try {
            RunResult result = current.run(request, progress);
            Instant end = clock.instant();
            Duration took = Duration.between(start, end);
            ModelRef askedFor = result.resolution().source() == ResolutionSource.UNAVAILABLE_FALLBACK
                    ? askedFor(current, request) : null;
            if (json) {
                return Json.write(answerJson(runFlow, result, askedFor, took, end));
            }
            return result.text().stripTrailing() + System.lineSeparator() + "-- "
                    + summary(result, askedFor, took, end);
        } catch (RoutingException e) {
            // the run is already recorded; the operator gets one line saying what was tried and what to do
            Instant end = clock.instant();
            Duration took = Duration.between(start, end);
            ModelRef askedFor = e.resolution().filter(r -> r.source() == ResolutionSource.UNAVAILABLE_FALLBACK)
                    .map(r -> askedFor(current, request)).orElse(null);
            String advice = FailureAdvice.of(e, runFlow, settings(current), end);
            String line = failureLine(e, askedFor, took, advice, end);
            if (json) {
                out.println(Json.write(failureJson(runFlow, e, took, advice, line, end)));
                out.flush();
            }
            throw new NoAnswer(line);
        }
    }

    /**
     * The model the request asked for when the catalog lacked it: the user's {@code --model}, else
     * what the precedence rules chose, as the plan tells it (the run's result does not carry it).
     */
    private static ModelRef askedFor(ModelRouter router, RunRequest request) {
        if (request.userOverride() != null) {
            return request.userOverride();
        }
        try {
            return router.plan(request).requestedModel();
        } catch (RuntimeException unplannable) {
            return null;
        }
    }

    private static RoutingSettings settings(ModelRouter router) {
        try {
            return router.active().settings();
        } catch (RuntimeException unknown) {
            // the advice then names the deadlines without their values
            return null;
        }
    }

    /**
     * {@code answered by openai/gpt-5.2 instead of openai-codex/gpt-5.3-codex, 2 attempts (openai-codex/gpt-5.3-codex
     * -> openai/gpt-5.2: provider_5xx (Provider5xx)), skipped openai/gpt-5o (not in the catalog), 1.4s, 120 in / 35 out tokens}.
     */
    static String summary(RunResult result, ModelRef askedFor, Duration took, Instant now) {
        StringBuilder line = new StringBuilder(answeredBy(result.resolution(), result.finalModel(), askedFor));
        line.append(", ").append(attemptCount(result.attempts())).append(fallbacks(result.attempts()));
        if (!result.skipped().isEmpty()) {
            line.append(", skipped ").append(RoutingText.skippedList(result.skipped(), now));
        }
        return line.append(", ").append(Durations.elapsed(took)).append(", ").append(result.tokensIn())
                .append(" in / ").append(result.tokensOut()).append(" out tokens").toString();
    }

    /** The final model, and what it answered instead of when that is another model. */
    private static String answeredBy(Resolution resolution, ModelRef finalModel, ModelRef askedFor) {
        ModelRef resolved = resolution.ref();
        if (resolution.source() == ResolutionSource.UNAVAILABLE_FALLBACK) {
            String because = " is not in the catalog, so the run began with the global default " + resolved + ")";
            return askedFor == null ? "answered by " + finalModel + " (the configured model" + because
                    : "answered by " + finalModel + " instead of " + askedFor + " (" + askedFor + because;
        }
        return finalModel.equals(resolved) ? finalModel.toString() : "answered by " + finalModel + " instead of " + resolved;
    }

    /**
     * {@code no answer: failed in 1.4s after 2 attempts: openai/gpt-5.2 provider_5xx (ConnectionError) after 0.3s, ...;
     * skipped openai/gpt-5o (not in the catalog); <what to do>}.
     */
    static String failureLine(RoutingException failure, ModelRef askedFor, Duration took, String advice, Instant now) {
        List<Attempt> attempts = failure.attempts();
        StringBuilder line = new StringBuilder("no answer: ")
                .append(failure.outcome() == RunOutcome.TIMED_OUT ? "timed out" : "failed")
                .append(" in ").append(Durations.elapsed(took));
        if (attempts.isEmpty()) {
            line.append(" before any attempt");
        } else {
            line.append(" after ").append(attemptCount(attempts)).append(": ");
            for (int i = 0; i < attempts.size(); i++) {
                Attempt attempt = attempts.get(i);
                line.append(i == 0 ? "" : ", ").append(attempt.model()).append(' ').append(attempt.reason().wireName())
                        .append(attempt.errorClass() == null ? "" : " (" + attempt.errorClass() + ")")
                        .append(" after ").append(Durations.elapsed(attempt.duration()));
            }
        }
        if (!failure.skipped().isEmpty()) {
            line.append("; skipped ").append(RoutingText.skippedList(failure.skipped(), now));
        }
        failure.resolution().filter(r -> r.source() == ResolutionSource.UNAVAILABLE_FALLBACK).ifPresent(r -> line
                .append("; ").append(askedFor == null ? "the configured model" : askedFor.toString())
                .append(" is not in the catalog, so the run began with the global default ").append(r.ref()));
        return line.append("; ").append(advice).toString();
    }

    private static String attemptCount(List<Attempt> attempts) {
        return attempts.size() + (attempts.size() == 1 ? " attempt" : " attempts");
    }

    /** {@code  (a -> b: provider_5xx (Provider5xx), b -> c: capacity (RateLimited))}, or nothing. */
    private static String fallbacks(List<Attempt> attempts) {
        List<String> steps = new ArrayList<>();
        for (int i = 0; i + 1 < attempts.size(); i++) {
            Attempt failed = attempts.get(i);
            if (failed.reason() != ReasonCode.NONE) {
                steps.add(failed.model() + " -> " + attempts.get(i + 1).model() + ": " + failed.reason().wireName()
                        + (failed.errorClass() == null ? "" : " (" + failed.errorClass() + ")"));
            }
        }
        return steps.isEmpty() ? "" : " (" + String.join(", ", steps) + ")";
    }

    private static Map<String, Object> answerJson(Flow flow, RunResult result, ModelRef askedFor, Duration took,
            Instant now) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run_id", result.runId());
        json.put("task_id", result.taskId());
        json.put("flow", flow.wireName());
        json.put("outcome", result.outcome().wireName());
        json.put("resolution", resolutionJson(result.resolution()));
        json.put("requested_model", askedFor == null ? null : askedFor.toString());
        json.put("final_model", result.finalModel().toString());
        ModelRef insteadOf = askedFor != null ? askedFor
                : result.finalModel().equals(result.resolution().ref()) ? null : result.resolution().ref();
        json.put("answered_instead_of", insteadOf == null ? null : insteadOf.toString());
        json.put("attempts", RoutingText.attemptsJson(result.attempts()));
        json.put("skipped", RoutingText.skippedJson(result.skipped(), now));
        json.put("duration_ms", took.toMillis());
        json.put("tokens_in", result.tokensIn());
        json.put("tokens_out", result.tokensOut());
        json.put("text", result.text());
        return json;
    }

    private static Map<String, Object> failureJson(Flow flow, RoutingException failure, Duration took, String advice,
            String line, Instant now) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run_id", failure.runId());
        json.put("task_id", failure.taskId());
        json.put("flow", flow.wireName());
        json.put("outcome", failure.outcome().wireName());
        json.put("resolution", failure.resolution().map(AskCommands::resolutionJson).orElse(null));
        json.put("attempts", RoutingText.attemptsJson(failure.attempts()));
        json.put("skipped", RoutingText.skippedJson(failure.skipped(), now));
        json.put("final_reason", failure.finalReason().wireName());
        json.put("final_error_class", failure.finalErrorClass().name());
        json.put("duration_ms", took.toMillis());
        json.put("advice", advice);
        json.put("message", line);
        return json;
    }

    private static Map<String, Object> resolutionJson(Resolution resolution) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", resolution.ref().toString());
        json.put("source", resolution.source().wireName());
        return json;
    }
}
