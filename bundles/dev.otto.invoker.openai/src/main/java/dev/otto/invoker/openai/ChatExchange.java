package dev.otto.invoker.openai;

import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;

import dev.otto.api.model.ModelRef;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationFailure.Kind;
import dev.otto.api.spi.InvocationResult;

/**
 * One attempt's exchange, from the answer's side: the body handler that reads the answer as it
 * arrives, on the HTTP client's threads, and the {@link AttemptDeadlines.Expiry} that fails it
 * when a limit passes. The caller waits for the outcome alone: it is woken once, when the answer is
 * complete or the attempt has failed, never per chunk.
 *
 * <p>A 2xx body is a whole JSON answer when its first non-blank byte is <code>{</code> (a server
 * that ignores {@code stream}), else an event stream of chunks ({@link EventStreamDecoder},
 * {@link StreamedAnswer}). Another status is an error answer, read up to
 * {@link #ERROR_BODY_CAP} for its error name only.
 *
 * <p>Over 400 lines because the exchange and its two body subscribers share one outcome, one lock
 * discipline and one rule for releasing the call from the watcher; they are checked together.
 */
final class ChatExchange implements HttpResponse.BodyHandler<Void>, AttemptDeadlines.Expiry {

    /** Error bodies are read only for their error type name: a small cap is plenty. */
    static final int ERROR_BODY_CAP = 65_536;

    /** The answer or the failure; exactly one is set. */
    private record Outcome(InvocationResult result, InvocationFailure failure) {
    }

    private final long maxBytes;
    private final ModelRef asked;
    private final Clock clock;
    private final AttemptDeadlines deadlines;
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    private volatile AttemptDeadlines.Call watched;
    private volatile CompletableFuture<?> request;
    private volatile Body body;
    private volatile Kind expired;

    /**
     * @param maxBytes the largest 2xx body accepted
     * @param asked the model asked, for the answering model
     * @param clock the wall clock, for a {@code Retry-After} given as a date
     * @param deadlines watches the call; the call is released from it when its body has ended
     */
    ChatExchange(long maxBytes, ModelRef asked, Clock clock, AttemptDeadlines deadlines) {
        this.maxBytes = maxBytes;
        this.asked = asked;
        this.clock = clock;
        this.deadlines = deadlines;
    }

    /** The watched call; set before the request is sent. */
    void watch(AttemptDeadlines.Call call) {
        this.watched = call;
    }

    /**
     * The request is on its way: a failure before the answer's headers (refused, reset, the
     * connect timeout) comes through its future; a limit that passes before them cancels it.
     */
    void sent(CompletableFuture<?> exchange) {
        request = exchange;
        exchange.whenComplete((response, failure) -> {
            if (failure != null) {
                fail(ChatCompletionsHttp.transportFailure(failure)); // a no-op once the body has decided
                deadlines.done(watched);
            }
        });
        if (expired != null && body == null) {
            exchange.cancel(true);
        }
    }

    /**
     * Waits for the outcome. An interrupt fails the attempt with {@link Kind#ABORTED} and closes
     * the connection; the interrupt flag stays set.
     */
    InvocationResult await() throws InvocationFailure {
        Outcome done;
        try {
            done = outcome.get();
        } catch (InterruptedException e) {
            fail(InvocationFailure.of(Kind.ABORTED, true));
            Thread.currentThread().interrupt();
            done = outcome.getNow(null); // ABORTED, or what was decided just before
        } catch (ExecutionException notCompletedSo) {
            throw new IllegalStateException("the outcome is never completed exceptionally", notCompletedSo);
        }
        if (done.failure() != null) {
            abort();
            throw done.failure();
        }
        return done.result();
    }

    @Override
    public HttpResponse.BodySubscriber<Void> apply(HttpResponse.ResponseInfo info) {
        int status = info.statusCode();
        Body created = status >= 200 && status <= 299 ? new AnswerBody(status) : new ErrorBody(status, info.headers());
        body = created;
        Kind kind = expired; // expire() writes expired before it reads body: one of the two sees the other
        if (kind != null) {
            created.expire(kind);
        }
        return created;
    }

    @Override
    public void expire(Kind kind) {
        expired = kind;
        Body current = body;
        if (current != null) {
            current.expire(kind);
        } else {
            fail(InvocationFailure.of(kind, true));
            CompletableFuture<?> sentRequest = request;
            if (sentRequest != null) {
                sentRequest.cancel(true); // closes the connection that waits for headers
            }
        }
    }

    /**
     * The attempt has failed: closes what is still open. Once a body exists only the body is cut
     * off, never the client's future: the body may have ended and its connection gone back to the
     * client's pool, where a cancel would close it under the next call.
     */
    private void abort() {
        Body current = body;
        if (current != null) {
            current.cancel();
        } else {
            expired = Kind.ABORTED;
            CompletableFuture<?> sentRequest = request;
            if (sentRequest != null) {
                sentRequest.cancel(true);
            }
            deadlines.done(watched);
        }
    }

    private void succeed(InvocationResult result) {
        outcome.complete(new Outcome(result, null));
    }

    private void fail(InvocationFailure failure) {
        outcome.complete(new Outcome(null, failure));
    }

    /**
     * A body subscriber that reads everything offered and can be cut off. The client's thread
     * (bytes, end) and the watcher's (a limit) meet under the subscriber's lock, which is never
     * contended but at a limit.
     */
    private abstract class Body implements HttpResponse.BodySubscriber<Void> {
        private final CompletableFuture<Void> ended = new CompletableFuture<>();
        private volatile Flow.Subscription subscription;
        private volatile boolean cancelled;
        private boolean over;

        @Override
        public CompletableFuture<Void> getBody() {
            return ended;
        }

        @Override
        public void onSubscribe(Flow.Subscription newSubscription) {
            subscription = newSubscription;
            if (cancelled) {
                newSubscription.cancel();
            } else {
                newSubscription.request(Long.MAX_VALUE);
            }
        }

        @Override
        public synchronized void onNext(List<ByteBuffer> items) {
            if (over || cancelled) {
                return;
            }
            try {
                read(items);
            } catch (InvocationFailure failure) {
                fail(failure);
                cancel();
            } catch (RuntimeException unexpected) {
                fail(new InvocationFailure(Kind.UNKNOWN, null, null, null, false));
                cancel();
            }
        }

        @Override
        public synchronized void onError(Throwable throwable) {
            // a reset, an EOF inside a chunk, or our own cancel (then the outcome is decided already)
            fail(InvocationFailure.of(Kind.CONNECTION, true));
            end();
        }

        @Override
        public synchronized void onComplete() {
            if (!over && !cancelled) {
                try {
                    complete();
                } catch (InvocationFailure failure) {
                    fail(failure);
                } catch (RuntimeException unexpected) {
                    fail(new InvocationFailure(Kind.UNKNOWN, null, null, null, false));
                }
            }
            end();
        }

        /**
         * A limit passed: the outcome is decided from what has arrived, and the body cut off. The
         * subscription is cancelled outside the lock, so the client's own locks are never taken
         * under it.
         */
        final void expire(Kind kind) {
            synchronized (this) {
                if (!cancelled) {
                    atLimit(kind);
                }
                cancelled = true;
            }
            cancel();
        }

        /** Cuts the body off: the connection is closed. Idempotent; a no-op once the body has ended. */
        final void cancel() {
            cancelled = true;
            Flow.Subscription current = subscription;
            if (current != null && !ended.isDone()) {
                current.cancel();
            }
            end();
        }

        /** Stops reading what still comes, without closing: the body may end on its own. */
        final void stopReading() {
            over = true;
        }

        private void end() {
            deadlines.done(watched);
            ended.complete(null);
        }

        /** Takes bytes as they arrive. */
        abstract void read(List<ByteBuffer> items) throws InvocationFailure;

        /** The body ended (EOF) before the outcome was decided. */
        abstract void complete() throws InvocationFailure;

        /** A limit passed: decides the outcome from what the body has. */
        abstract void atLimit(Kind kind);
    }

    /** An error answer: its status, {@code Retry-After} and, from the body, its error name. */
    private final class ErrorBody extends Body {
        private final int status;
        private final HttpHeaders headers;
        private byte[] bytes = new byte[1024];
        private int size;

        ErrorBody(int status, HttpHeaders headers) {
            this.status = status;
            this.headers = headers;
        }

        @Override
        void read(List<ByteBuffer> items) throws InvocationFailure {
            for (ByteBuffer item : items) {
                int length = item.remaining();
                if (size + length > ERROR_BODY_CAP) {
                    throw ChatAnswers.error(status, headers, null, clock.instant()); // too long to hold a name
                }
                if (size + length > bytes.length) {
                    bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + length));
                }
                item.get(bytes, size, length);
                size += length;
            }
        }

        @Override
        void complete() {
            fail(ChatAnswers.error(status, headers, Arrays.copyOf(bytes, size), clock.instant()));
        }

        /** The status says what went wrong; a body that does not arrive in time only loses the error name. */
        @Override
        void atLimit(Kind kind) {
            fail(ChatAnswers.error(status, headers, null, clock.instant()));
        }
    }

    /** A 2xx answer: a whole JSON chat completion, or an event stream of chunks. */
    private final class AnswerBody extends Body implements EventStreamDecoder.Events {
        private final int status;
        private long size;
        private boolean decided;
        private boolean json;
        private byte[] bytes; // a JSON body, or the blank bytes before the first event
        private int length;
        private EventStreamDecoder events;
        private StreamedAnswer answer;
        private boolean firstOutput;
        private boolean anyChunk;

        AnswerBody(int status) {
            this.status = status;
        }

        @Override
        void read(List<ByteBuffer> items) throws InvocationFailure {
            anyChunk = false;
            firstOutput = false;
            for (ByteBuffer item : items) {
                size += item.remaining();
                if (size > maxBytes) {
                    throw new InvocationFailure(Kind.HTTP_STATUS, status, null, ChatAnswers.TOO_LARGE, false);
                }
                if (!decided) {
                    decide(item);
                }
                if (json) {
                    keep(item);
                } else if (decided && !events.feed(item, this)) {
                    throw ChatAnswers.malformed(status);
                }
                if (answer != null && answer.done()) {
                    // the answer is complete: the caller goes on at once, the rest of the body (the
                    // end of the chunked stream) is drained so that the connection can be reused
                    succeed(answer.result(asked));
                    stopReading();
                    return;
                }
            }
            if (anyChunk) {
                long now = System.nanoTime();
                if (firstOutput) {
                    watched.outputBegan(now);
                } else {
                    watched.chunk(now);
                }
            }
        }

        /** The first non-blank byte decides: <code>{</code> is a whole JSON answer, anything else an event stream. */
        private void decide(ByteBuffer item) throws InvocationFailure {
            for (int i = item.position(); i < item.limit(); i++) {
                byte b = item.get(i);
                if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                    decided = true;
                    json = b == '{';
                    if (!json) {
                        events = new EventStreamDecoder();
                        answer = new StreamedAnswer(status);
                        if (length > 0 && !events.feed(ByteBuffer.wrap(bytes, 0, length), this)) {
                            throw ChatAnswers.malformed(status);
                        }
                        bytes = null;
                    }
                    return;
                }
            }
            keep(item); // blank so far: kept for whichever it turns out to be
        }

        private void keep(ByteBuffer item) {
            int more = item.remaining();
            if (bytes == null) {
                bytes = new byte[Math.max(1024, more)];
            } else if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(Math.max((long) bytes.length * 2, (long) length + more),
                        Integer.MAX_VALUE - 8));
            }
            item.get(bytes, length, more);
            length += more;
        }

        @Override
        public void data(byte[] data, int dataLength) throws InvocationFailure {
            if (answer.done()) {
                return;
            }
            anyChunk = true;
            firstOutput |= answer.accept(data, dataLength);
        }

        @Override
        void complete() throws InvocationFailure {
            if (!decided) {
                throw ChatAnswers.malformed(status); // empty, or blank only
            }
            if (json) {
                succeed(ChatAnswers.result(status, Arrays.copyOf(bytes, length), asked));
                return;
            }
            if (!events.end(this)) {
                throw ChatAnswers.malformed(status);
            }
            if (answer.done() || answer.finished()) {
                succeed(answer.result(asked));
                return;
            }
            // EOF without [DONE] and without a finish reason: the stream was cut
            throw InvocationFailure.of(Kind.CONNECTION, true);
        }

        @Override
        void atLimit(Kind kind) {
            if (answer != null && answer.finished()) {
                // the text is complete, only the usage or [DONE] is late: the answer stands
                try {
                    succeed(answer.result(asked));
                } catch (InvocationFailure failure) {
                    fail(failure);
                }
            } else {
                fail(InvocationFailure.of(kind, true));
            }
        }
    }
}
