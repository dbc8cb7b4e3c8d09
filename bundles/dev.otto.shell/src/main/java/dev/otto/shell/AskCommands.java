package dev.otto.shell;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.Attempt;
import dev.otto.api.routing.ModelRouter;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.RoutingException;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.RunResult;

/** {@code otto:ask}: the interactive assistant's path, a prompt routed like any other run. */
@Component(service = AskCommands.class, immediate = true, property = {
        "osgi.command.scope=otto",
        "osgi.command.function=ask" })
@Descriptor("Ask the interactive assistant through the router")
public final class AskCommands {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ModelRouter router;

    private final Clock clock;

    public AskCommands() {
        this(null, Clock.systemUTC());
    }

    AskCommands(ModelRouter router, Clock clock) {
        this.router = router;
        this.clock = clock;
    }

    @Descriptor("Route a prompt (flow interactiveAssistant unless --flow), print the answer, then one line with the "
            + "final model, attempts, fallbacks with reasons, tokens and time")
    public String ask(
            @Descriptor("use this model (provider/model) as a user override")
            @Parameter(names = "--model", absentValue = "") String model,
            @Descriptor("route as this flow instead of interactiveAssistant")
            @Parameter(names = "--flow", absentValue = "interactiveAssistant") String flow,
            @Descriptor("the prompt; quote it or give it as several words") String... words) {
        ModelRouter current = router;
        if (current == null) {
            throw new IllegalStateException("the router (bundle dev.otto.router) is not running; 'otto:status' says why");
        }
        String prompt = String.join(" ", words).strip();
        if (prompt.isEmpty()) {
            throw new IllegalArgumentException("give a prompt, e.g. otto:ask \"summarise the last run\"");
        }
        RunRequest request = RunRequest.forFlow(Flow.fromWire(flow), "ask-" + UUID.randomUUID(), prompt);
        if (!model.isEmpty()) {
            request = request.withUserOverride(ModelRef.parse(model));
        }
        Instant start = clock.instant();
        try {
            RunResult result = current.run(request);
            return result.text().stripTrailing() + System.lineSeparator() + "-- " + summary(result.finalModel(),
                    result.attempts(), Duration.between(start, clock.instant()))
                    + ", " + result.tokensIn() + " in / " + result.tokensOut() + " out tokens";
        } catch (RoutingException e) {
            // the run is already recorded; the operator gets one line saying what was tried and why it ended
            throw new IllegalStateException("no answer (" + e.outcome().wireName() + "): "
                    + summary(e.lastModel(), e.attempts(), Duration.between(start, clock.instant())), e);
        }
    }

    /** {@code openai/gpt-5.2, 3 attempts (a -> b: provider_5xx, b -> c: capacity), 2.4s}. */
    static String summary(ModelRef finalModel, List<Attempt> attempts, Duration took) {
        List<String> steps = new ArrayList<>();
        for (int i = 0; i + 1 < attempts.size(); i++) {
            Attempt failed = attempts.get(i);
            if (failed.reason() != ReasonCode.NONE) {
                steps.add(failed.model() + " -> " + attempts.get(i + 1).model() + ": " + failed.reason().wireName()
                        + (failed.errorClass() == null ? "" : " (" + failed.errorClass().name() + ")"));
            }
        }
        return (finalModel == null ? "no model" : finalModel.toString()) + ", " + attempts.size()
                + (attempts.size() == 1 ? " attempt" : " attempts") + (steps.isEmpty() ? "" : " (" + String.join(", ", steps) + ")")
                + ", " + Durations.format(took);
    }
}
