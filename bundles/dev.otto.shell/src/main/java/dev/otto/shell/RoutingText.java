package dev.otto.shell;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.Attempt;
import dev.otto.api.routing.SkippedModel;
import dev.otto.api.routing.RunDeadlines;

/**
 * The words and JSON the routing commands share ({@code otto:ask}, {@code otto:plan},
 * {@code otto:config}, {@code otto:status}): skipped models, attempts, deadlines. Built only from
 * model references, wire names and error class names, so never from provider text.
 */
final class RoutingText {

    /** What a command says when it needs the router and the router is not there. */
    static final String ROUTER_NOT_RUNNING =
            "the router (bundle dev.otto.router) is not running; 'otto:status' says why";

    private RoutingText() {
    }

    /**
     * Why a model is skipped, without parentheses so that it reads inside a list:
     * {@code not in the catalog}, {@code cooling down after RateLimited for another 1m42s},
     * {@code its provider failed with ConnectionError}.
     */
    static String why(SkippedModel skipped, Instant now) {
        switch (skipped.reason()) {
        case NOT_IN_CATALOG:
            return "not in the catalog";
        case COOLING_DOWN:
            return "cooling down" + (skipped.errorClass() == null ? "" : " after " + skipped.errorClass()) + " "
                    + Durations.remaining(skipped.until(), now);
        case PROVIDER_FAILED:
            return "its provider failed" + (skipped.errorClass() == null ? "" : " with " + skipped.errorClass());
        default:
            return skipped.reason().wireName();
        }
    }

    /** {@code openai/gpt-5o (not in the catalog), openai/x (its provider failed with AuthError)}. */
    static String skippedList(List<SkippedModel> skipped, Instant now) {
        return skipped.stream().map(s -> s.model() + " (" + why(s, now) + ")").collect(Collectors.joining(", "));
    }

    /** A time ahead with how far it is: {@code 2026-11-21T12:01:42Z (in 1m42s)}. */
    static String until(Instant until, Instant now) {
        return until + " (" + Durations.fromNow(until, now) + ")";
    }

    /** {@code first token 30s, stall 30s, attempt 5m, run 10m}. */
    static String deadlines(RunDeadlines deadlines) {
        return "first token " + Durations.format(deadlines.firstToken()) + ", stall "
                + Durations.format(deadlines.stall()) + ", attempt " + Durations.format(deadlines.attempt()) + ", run "
                + Durations.format(deadlines.run());
    }

    /** The deadlines a configuration gives every run that does not bring its own. */
    static RunDeadlines deadlines(RoutingSettings settings) {
        return new RunDeadlines(settings.firstTokenTimeout(), settings.stallTimeout(), settings.attemptTimeout(),
                settings.runDeadline());
    }

    /** {@code a -> b -> c}, or {@code (none)}. */
    static String chain(List<ModelRef> chain) {
        return chain.isEmpty() ? "(none)" : chain.stream().map(ModelRef::toString).collect(Collectors.joining(" -> "));
    }

    static Map<String, Object> skippedJson(SkippedModel skipped, Instant now) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", skipped.model().toString());
        json.put("reason", skipped.reason().wireName());
        json.put("error_class", skipped.errorClass() == null ? null : skipped.errorClass().name());
        json.put("until", skipped.until() == null ? null : skipped.until().toString());
        json.put("why", why(skipped, now));
        return json;
    }

    static List<Map<String, Object>> skippedJson(List<SkippedModel> skipped, Instant now) {
        List<Map<String, Object>> list = new ArrayList<>();
        skipped.forEach(s -> list.add(skippedJson(s, now)));
        return list;
    }

    static List<Map<String, Object>> attemptsJson(List<Attempt> attempts) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Attempt attempt : attempts) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("number", attempt.number());
            json.put("model", attempt.model().toString());
            json.put("reason", attempt.reason().wireName());
            json.put("error_class", attempt.errorClass() == null ? null : attempt.errorClass().name());
            json.put("started_at", attempt.startedAt().toString());
            json.put("duration_ms", attempt.duration().toMillis());
            json.put("tokens_in", attempt.tokensIn());
            json.put("tokens_out", attempt.tokensOut());
            list.add(json);
        }
        return list;
    }

    /** ISO-8601 durations, as the config file spells them. */
    static Map<String, Object> deadlinesJson(RunDeadlines deadlines) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("first_token", deadlines.firstToken().toString());
        json.put("stall", deadlines.stall().toString());
        json.put("attempt", deadlines.attempt().toString());
        json.put("run", deadlines.run().toString());
        return json;
    }
}
