package dev.otto.shell;

import java.io.PrintStream;
import java.time.Clock;

import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.Attempt;
import dev.otto.api.routing.RunObserver;
import dev.otto.api.routing.SkippedModel;

/**
 * Prints each step of a run in flight as it happens, one line each, flushed at once, so that an
 * operator never watches a silent console during a failover:
 * {@code skipped openai/gpt-5o: not in the catalog} and
 * {@code openai/gpt-5.2 failed after 1.2s: provider_5xx (Provider5xx); trying openai-codex/gpt-5.3-codex}.
 * An attempt's start prints nothing: the line of the failure before it already names the model.
 */
final class AskProgress implements RunObserver {

    private final PrintStream out;
    private final Clock clock;

    AskProgress(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    @Override
    public void skipped(SkippedModel skipped) {
        print("skipped " + skipped.model() + ": " + RoutingText.why(skipped, clock.instant()));
    }

    @Override
    public void attemptFailed(Attempt failed, ModelRef next) {
        print(failed.model() + " failed after " + Durations.elapsed(failed.duration()) + ": "
                + failed.reason().wireName() + (failed.errorClass() == null ? "" : " (" + failed.errorClass() + ")")
                + (next == null ? "; the run ends here" : "; trying " + next));
    }

    private void print(String line) {
        out.println(line);
        out.flush();
    }
}
