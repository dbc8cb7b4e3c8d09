package dev.otto.shell;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.NoModelAvailableException;
import dev.otto.api.routing.RoutingException;
import dev.otto.api.routing.RunOutcome;
import dev.otto.api.routing.SkipReason;
import dev.otto.api.routing.SkippedModel;

/**
 * What an operator should do about a run that found no answer, chosen by how it ended and by the
 * error class of its last failure. The shell README's "When otto:ask finds no answer" table lists
 * the same cases. Only model references, provider ids, config keys and durations go into the
 * words: never a provider's message.
 */
final class FailureAdvice {

    private static final String ADD_FALLBACK = "add a fallback in modelManagement.routing.fallbackChain";

    private FailureAdvice() {
    }

    /**
     * The advice for a failed run.
     *
     * @param failure the run's failure
     * @param flow the flow the run was routed as
     * @param settings the routing settings in force, or null if unknown (the deadlines then go unnamed by value)
     * @param now the time, for cooldowns
     */
    static String of(RoutingException failure, Flow flow, RoutingSettings settings, Instant now) {
        if (failure.getCause() instanceof NoModelAvailableException) {
            return noModel((NoModelAvailableException) failure.getCause(), flow);
        }
        if (failure.outcome() == RunOutcome.TIMED_OUT) {
            return "the run's deadline" + value(settings == null ? null : settings.runDeadline())
                    + " passed: raise modelManagement.routing.runDeadline, or put a faster model first in "
                    + "modelManagement.routing.fallbackChain";
        }
        if (failure.attempts().isEmpty()) {
            Optional<Instant> free = earliestEnd(failure.skipped());
            if (free.isPresent()) {
                return "every model of the plan is cooling down: try again " + Durations.fromNow(free.get(), now)
                        + " (after " + free.get() + "), or " + ADD_FALLBACK;
            }
            if (failure.resolution().isEmpty() && failure.skipped().isEmpty()) {
                return noModel(null, flow);
            }
            if (!failure.skipped().isEmpty() && failure.skipped().stream()
                    .allMatch(s -> s.reason() == SkipReason.NOT_IN_CATALOG)) {
                return "no model of the plan is in the catalog: pick one from otto:catalog <provider> and set it in "
                        + "modelManagement.flowDefaults." + flow.wireName() + " or modelManagement.routing.fallbackChain";
            }
        }
        ModelRef model = failure.lastModel();
        String provider = model == null ? "the provider" : "provider " + model.providerId();
        String catalog = model == null ? "otto:catalog" : "otto:catalog " + model.providerId();
        ErrorClass errorClass = failure.finalErrorClass();
        switch (errorClass == null ? "" : errorClass.name()) {
        case "ConnectionError":
            return provider + " cannot be reached: check the network, or the provider's baseURL in OpenCode's config";
        case "AuthError":
            return provider + " refused the credentials: set its API key in OpenCode (opencode auth login)";
        case "RateLimited":
            return provider + " is limiting requests: wait a little and try again, or " + ADD_FALLBACK;
        case "Overloaded":
            return provider + " is overloaded: wait a little and try again, or " + ADD_FALLBACK;
        case "QuotaExceeded":
            return "the quota at " + provider + " is used up: add credit or wait for it to renew, or " + ADD_FALLBACK;
        case "CoolingDown":
            Optional<Instant> free = earliestEnd(failure.skipped());
            return free.map(until -> "try again " + Durations.fromNow(until, now) + " (after " + until + "), or ")
                    .orElse("try again later, or ") + ADD_FALLBACK;
        case "ModelNotFound":
            return provider + " does not know " + model + ": pick a model from " + catalog;
        case "FirstTokenTimeout":
            return model + " sent nothing within the first-token timeout"
                    + value(settings == null ? null : settings.firstTokenTimeout())
                    + ": raise modelManagement.routing.firstTokenTimeout, or " + ADD_FALLBACK;
        case "StallTimeout":
            return "the answer of " + model + " stopped for the stall timeout"
                    + value(settings == null ? null : settings.stallTimeout())
                    + ": raise modelManagement.routing.stallTimeout, or " + ADD_FALLBACK;
        case "AttemptTimeout":
            return "an attempt took the whole attempt timeout" + value(settings == null ? null : settings.attemptTimeout())
                    + ": raise modelManagement.routing.attemptTimeout, or " + ADD_FALLBACK;
        case "TimeoutError":
            return "an attempt ran out of time" + (settings == null ? ""
                    : " (firstTokenTimeout " + Durations.format(settings.firstTokenTimeout()) + ", stallTimeout "
                            + Durations.format(settings.stallTimeout()) + ", attemptTimeout "
                            + Durations.format(settings.attemptTimeout()) + ")")
                    + ": raise the one that applies in modelManagement.routing, or " + ADD_FALLBACK;
        case "Provider5xx":
        case "ProviderRetrying":
            return provider + " is failing on its side: try again later, or " + ADD_FALLBACK;
        case "MalformedResponse":
            return provider + " sent an answer Otto cannot use: try again, or " + ADD_FALLBACK;
        case "ContextOverflow":
            return "the prompt is too long for " + model + ": shorten it, or pick a model with a larger context from "
                    + catalog;
        case "OutputLength":
            return "the answer reached the output limit of " + model + ": ask for a shorter answer";
        case "ContentFiltered":
            return provider + " refused the prompt's content: rephrase the prompt, or pick another model from "
                    + catalog;
        case "InvalidRequest":
        case "ClientError":
            return provider + " rejected the request for " + model + ": check the model's options in OpenCode's "
                    + "config, or pick another model from " + catalog;
        case "NoInvoker":
            return "no model invoker runs " + model + ": start bundle dev.otto.invoker.opencode; otto:plugins lists "
                    + "the invokers bound";
        default:
            return "the failure was not recognised: otto:telemetry --last 1 shows the run, and the log says more";
        }
    }

    private static String noModel(NoModelAvailableException cause, Flow flow) {
        String what = "no model resolved";
        if (cause != null && cause.requested() != null) {
            what = cause.requested() + " is not in the catalog and "
                    + (cause.globalDefault() == null ? "OpenCode has no global model"
                            : "neither is OpenCode's global model " + cause.globalDefault());
        } else if (cause != null && cause.globalDefault() != null) {
            what = "OpenCode's global model " + cause.globalDefault() + " is not in the catalog";
        }
        return what + ": set modelManagement.flowDefaults." + flow.wireName()
                + ", or OpenCode's global model (\"model\" in opencode.json), to a model otto:catalog lists";
    }

    /** When the first cooling-down model of the plan may be tried again. */
    static Optional<Instant> earliestEnd(List<SkippedModel> skipped) {
        return skipped.stream().filter(s -> s.reason() == SkipReason.COOLING_DOWN).map(SkippedModel::until)
                .min(Comparator.naturalOrder());
    }

    private static String value(Duration duration) {
        return duration == null ? "" : " (" + Durations.format(duration) + ")";
    }
}
